-- Agents at scale (issue 8, the fleet simulation in docs/benchmarks-fleet.md). Same portability
-- rules as V1: one file for PostgreSQL and H2 (PostgreSQL mode).
-- The control plane's long-poll ticker asks once per tick which servers have a job to hand out
-- (AgentJobRepository.serversWithDueJobs): QUEUED jobs whose not_before passed and DELIVERED
-- jobs whose lease ran out. Jobs spend most of their life in a final state, so an index led by
-- the state reads only the few active ones.
create index job_active_ix on job (state, not_before, lease_until, server_id);
