-- The application's PostgreSQL role: a non-owner with only the grants it needs (docs/postgresql-roles.md).
--
--   psql -h HOST -U postgres -d secassist -v db=secassist -v owner=secassist_owner -v app=secassist_app \
--        -f scripts/postgresql-app-role.sql
--
-- Run once, as a superuser, after `secassist migrate` ran as the owner role. Tables that later
-- migrations create (as the owner) get the same grants through the default privileges below;
-- re-running the script is harmless. The audit trail's restrictions are re-applied by re-running it.

-- Reach the database and its schema, but create nothing in it.
GRANT CONNECT ON DATABASE :"db" TO :"app";
GRANT USAGE ON SCHEMA public TO :"app";
REVOKE CREATE ON SCHEMA public FROM :"app";

-- Read and write the product's rows (services decide what may change; the database backs them up).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- The audit trail: append and read only. (The owner's triggers refuse UPDATE, DELETE and TRUNCATE
-- too; the application role, not owning the tables, cannot disable them.)
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM :"app";
REVOKE DELETE, TRUNCATE ON audit_auditchainhead FROM :"app";

-- The schema's history belongs to the owner.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM :"app";
