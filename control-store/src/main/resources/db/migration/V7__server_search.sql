-- A narrow copy of what the fleet search reads, so that a substring search (which no B-tree index
-- can serve) scans short rows instead of the wide server rows: on H2, 10,000 servers scan in about
-- a millisecond this way against several through the server table (docs/benchmarks-control.md).
-- haystack = name '/' app_host, both lowercase; '/' occurs in neither (DNS names), so a match never
-- spans the two. Written with the server in the same transaction (ServerRepository.registerAll);
-- name, app host, customer, application and role never change after registration.
create table server_search (
    server_id       bigint       primary key references server (id) on delete cascade,
    name            varchar(253) not null,
    customer_id     bigint       not null,
    application_id  bigint       not null,
    role            varchar(16)  not null,
    haystack        varchar(510) not null
);

insert into server_search (server_id, name, customer_id, application_id, role, haystack)
select id, name, customer_id, application_id, role, name || '/' || app_host from server;
