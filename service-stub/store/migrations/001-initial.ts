/** The initial schema. Times the scheduler compares are timestamptz set from the server's clock, never now(). */
export const sql = `
CREATE TABLE pipelines (
  pipeline_id   text PRIMARY KEY,
  account_id    text NOT NULL,
  name          text NOT NULL,
  unique_id     text NOT NULL,
  description   text,
  tags          jsonb NOT NULL DEFAULT '[]',
  state         text NOT NULL DEFAULT 'PENDING',
  created_at    timestamptz NOT NULL,
  deleted_at    timestamptz,
  latest_def    integer,
  active_def    integer,
  run_seq       integer NOT NULL DEFAULT 0,
  health        text,
  latest_run_time text,
  finished_time text,
  paused_components jsonb NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX pipelines_unique_live ON pipelines (account_id, name, unique_id) WHERE deleted_at IS NULL;

CREATE TABLE definitions (
  pipeline_id       text NOT NULL REFERENCES pipelines ON DELETE CASCADE,
  version           integer NOT NULL,
  objects           jsonb NOT NULL,
  parameter_objects jsonb,
  parameter_values  jsonb,
  errored           boolean NOT NULL,
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (pipeline_id, version)
);

CREATE TABLE runs (
  pipeline_id     text NOT NULL REFERENCES pipelines ON DELETE CASCADE,
  run_id          integer NOT NULL,
  def_version     integer NOT NULL,
  scheduled_start text NOT NULL,
  status          text NOT NULL,
  parameter_values jsonb,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (pipeline_id, run_id)
);

-- Instances and attempts (the physical spheres). Components live in the definition.
CREATE TABLE objects (
  pipeline_id       text NOT NULL REFERENCES pipelines ON DELETE CASCADE,
  object_id         text NOT NULL,
  sphere            text NOT NULL,
  run_id            integer NOT NULL,
  component_id      text NOT NULL,
  instance_id       text,
  referrer_id       text,
  kind              text NOT NULL,
  status            text NOT NULL,
  scheduled_start   text NOT NULL,
  scheduled_end     text NOT NULL,
  actual_start      text,
  actual_end        text,
  worker_group      text,
  attempt_no        integer NOT NULL DEFAULT 0,
  tries_left        integer,
  head_attempt      text,
  fields            jsonb NOT NULL DEFAULT '{}',
  task_id           text,
  available_at      timestamptz,
  ack_deadline      timestamptz,
  progress_deadline timestamptz,
  attempt_deadline  timestamptz,
  first_check_at    timestamptz,
  cancel_requested  boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (pipeline_id, object_id)
);
CREATE UNIQUE INDEX objects_task ON objects (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX objects_ready ON objects (worker_group, available_at) WHERE sphere = 'ATTEMPT' AND status = 'WAITING_FOR_RUNNER';
CREATE INDEX objects_running ON objects (status) WHERE sphere = 'ATTEMPT' AND status = 'RUNNING';
CREATE INDEX objects_run ON objects (pipeline_id, run_id);
CREATE INDEX objects_instance ON objects (pipeline_id, instance_id) WHERE instance_id IS NOT NULL;

-- Edges between instances of one run: instance_id waits for depends_on.
CREATE TABLE deps (
  pipeline_id text NOT NULL REFERENCES pipelines ON DELETE CASCADE,
  instance_id text NOT NULL,
  depends_on  text NOT NULL,
  edge        text NOT NULL,
  PRIMARY KEY (pipeline_id, instance_id, depends_on)
);
CREATE INDEX deps_reverse ON deps (pipeline_id, depends_on);

-- Task ids of attempts whose pipeline was deleted: their runners are told to cancel.
CREATE TABLE dead_tasks (
  task_id    text PRIMARY KEY,
  deleted_at timestamptz NOT NULL
);

CREATE TABLE runners (
  taskrunner_id  text PRIMARY KEY,
  worker_group   text,
  hostname       text,
  last_heartbeat timestamptz NOT NULL,
  terminate      boolean NOT NULL DEFAULT false
);
`;
