-- AlloyOrleans: PostgreSQL schema for the Orleans 10.4.2 ADO.NET clustering provider (membership table).
-- Safe to run again on a database that already has it: every statement is idempotent.
--
-- The provider reads every row of OrleansQuery once at start-up (02-membership-queries.sql fills it) and runs
-- those texts with named parameters (@DeploymentId, @Address, ...). DeploymentId is the Orleans cluster id
-- (--cluster.name), so several clusters can share one database.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- One row per cluster. Version is the table's optimistic-concurrency token: every membership insert or update
-- names the version it read and moves it by one in the same transaction, or changes nothing.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL PRIMARY KEY,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0
);

-- One row per silo incarnation (address, port, generation). Status is Orleans' SiloStatus number
-- (1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)  NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)   NOT NULL,
    Port         integer       NOT NULL,
    Generation   integer       NOT NULL,
    SiloName     varchar(150)  NOT NULL,
    HostName     varchar(150)  NOT NULL,
    Status       integer       NOT NULL,
    ProxyPort    integer       NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime    timestamptz   NOT NULL,
    IAmAliveTime timestamptz   NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Moves the cluster's version from expected_version to expected_version + 1; false when it was not at
-- expected_version (another silo wrote first). The row lock it takes serialises concurrent writers.
CREATE OR REPLACE FUNCTION orleans_membership_bump_version(p_deployment_id text, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE OrleansMembershipVersionTable v
       SET Version = v.Version + 1, Timestamp = now()
     WHERE v.DeploymentId = p_deployment_id AND v.Version = p_expected_version;
    RETURN FOUND;
END;
$fn$;

-- Inserts a silo's row and moves the table version from expected_version to expected_version + 1, both or
-- neither. Returns 1 when it did, 0 when the version had moved on or the row already existed.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_silo_name text, p_host_name text,
    p_status integer, p_proxy_port integer, p_start_time timestamptz, p_i_am_alive_time timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF NOT orleans_membership_bump_version(p_deployment_id, p_expected_version) THEN
        RETURN 0;
    END IF;
    -- A duplicate row raises unique_violation, which rolls back the version bump above with it.
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive_time);
    RETURN 1;
EXCEPTION WHEN unique_violation THEN
    RETURN 0;
END;
$fn$;

-- Updates a silo's status, suspicions and liveness time and moves the table version from expected_version to
-- expected_version + 1, both or neither. Returns 1 when it did, 0 otherwise.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_i_am_alive_time timestamptz, p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF NOT orleans_membership_bump_version(p_deployment_id, p_expected_version) THEN
        RETURN 0;
    END IF;
    UPDATE OrleansMembershipTable m
       SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive_time
     WHERE m.DeploymentId = p_deployment_id AND m.Address = p_address AND m.Port = p_port AND m.Generation = p_generation;
    IF NOT FOUND THEN
        -- No such row: undo the version bump by leaving through the exception handler.
        RAISE no_data_found;
    END IF;
    RETURN 1;
EXCEPTION WHEN no_data_found THEN
    RETURN 0;
END;
$fn$;
