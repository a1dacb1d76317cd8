-- PostgreSQL only (Database adds this location for it): a trigram index for the fleet's substring
-- search (`haystack like '%term%'`, ServerRepository.searchBySubstring). Without it every search
-- scans server_search; with 10,000 servers that is about 4 ms of PostgreSQL's CPU per request,
-- which at 200 requests/s was most of a core (search p99 85 ms against 13 ms on H2).
-- pg_trgm ships with PostgreSQL (Debian's postgresql package) and is a trusted extension: a user
-- with CREATE on the database may add it. Where it cannot be added, the search still works (it
-- scans, as on H2) and the migration says so instead of failing.
do $$
begin
    create extension if not exists pg_trgm;
    execute 'create index if not exists server_search_trgm_ix on server_search using gin (haystack gin_trgm_ops)';
exception when others then
    raise warning 'pg_trgm is not available (%): the fleet search scans server_search', sqlerrm;
end $$;
