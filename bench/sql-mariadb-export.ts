/** Figure: a 1,000,000-row export from MariaDB to CSV in S3, the agent next to `mariadb --batch | aws s3 cp -`. */
import { runFigure } from './lib/report.js';
import { MARIADB, exportFigure } from './lib/sql-export.js';

void runFigure(() => exportFigure('sql-mariadb-export', MARIADB));
