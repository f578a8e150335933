/** Figure: a 1,000,000-row export from PostgreSQL to CSV in S3, the agent next to `psql \copy ... | aws s3 cp -`. */
import { runFigure } from './lib/report.js';
import { POSTGRES, exportFigure } from './lib/sql-export.js';

void runFigure(() => exportFigure('sql-pg-export', POSTGRES));
