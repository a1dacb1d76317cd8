-- Steward control plane: benchmark figures (issue 8, SPEC-2). Same portability rules as V1: one
-- file for PostgreSQL and H2 (PostgreSQL mode).
-- One row per accepted figure of a succeeded BENCHMARK job (the agent's details.figures, checked
-- against the known names and units; refused ones are audited as benchmark.figures_refused).
-- application_id and tier: the server's package when the result arrived (a run counts for the
-- package it measured, even after an upgrade). measured_at: when the control plane accepted the
-- result. profile FULL is published per package (each server's latest full run); QUICK is shown
-- on the server's own pages only.
create table benchmark_figure (
    job_id            varchar(36)  not null references job (id) on delete cascade,
    server_id         bigint       not null references server (id) on delete cascade,
    application_id    bigint       not null references application (id),
    tier              varchar(16)  not null,
    profile           varchar(8)   not null,
    measured_at       timestamp with time zone not null,
    figure_name       varchar(64)  not null,
    test_name         varchar(32)  not null,
    unit              varchar(16)  not null,
    figure_value      double precision not null,
    higher_is_better  boolean      not null,
    primary key (job_id, figure_name),
    constraint benchmark_figure_tier_ck check (tier in ('STANDARD', 'PLUS')),
    constraint benchmark_figure_profile_ck check (profile in ('FULL', 'QUICK'))
);
create index benchmark_figure_server_ix on benchmark_figure (server_id, measured_at);
create index benchmark_figure_package_ix on benchmark_figure (profile, application_id, tier, server_id, measured_at);
