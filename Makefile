# Steward's front door. Every target finds a JDK 21+ by itself (scripts/find-java).
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-java)
export JAVA_HOME
MVN := ./mvnw -B -ntp
RUN_DIR := data/dev

.PHONY: build package packages run test interop chaos fuzz bench bench-intake bench-e2e bench-dkim bench-control bench-plan bench-fleet clean check-java package-relay

check-java:
	@if [ -z "$(JAVA_HOME)" ]; then scripts/find-java; exit 1; fi

## make build: compile and leave the launcher at bin/steward (and, on JDK 25+, the relay's AOT cache: scripts/aot-train)
build: check-java
	$(MVN) -q -DskipTests -Dsteward.packages.skip=true package
	@mkdir -p bin && cp scripts/steward bin/steward && chmod +x bin/steward && echo "$(JAVA_HOME)" >bin/java-home
	@scripts/aot-train
	@echo "built: bin/steward"

## make package: the Debian packages in dist/: steward-agent_<version>_all.deb (relay, agent, sendmail),
## steward-control_<version>_all.deb and the steward-runtime_<version>_amd64.deb they depend on (jlink);
## make packages is the same
package: check-java
	$(MVN) -q -DskipTests package
	@mkdir -p dist && rm -f dist/steward-*.deb && cp packaging/target/deb/*.deb dist/
	@ls -1 dist/*.deb

packages: package

## make run: the all-in-one mode: the relay on 127.0.0.1:2525 and the control plane on http://127.0.0.1:8080
## (embedded database in data/dev/control-db); first run prints the operator's credentials; DEMO=0 skips the demo data
DEMO ?= 1
run: build
	DEMO=$(DEMO) exec scripts/run-all-in-one $(RUN_DIR)

## make test: unit tests (*Test) and in-process integration tests (*IT); the control-store tests also use PostgreSQL on 127.0.0.1:5432
test: check-java
	@scripts/ensure-postgres
	$(MVN) verify

## make interop: tests against real Debian peers (swaks, Python smtplib, Postfix, NSD, dkimpy, Python icalendar, headless Chromium for the web UI), installed when missing
interop: check-java
	scripts/install-peers
	$(MVN) -Pinterop -DskipUnitTests=true -Dsteward.packages.skip=true verify

## make chaos: crash and fault tests against the relay as a real process (kill -9 at random moments under load,
## a full queue disk, faulty receivers, slow clients); needs root (a tmpfs is mounted); a few minutes.
## Then the control plane's: two instances as processes and a private PostgreSQL (initdb in a temp dir), one
## instance killed and PostgreSQL restarted during rollouts (CHAOS_CP_ROUNDS rounds; about 4 minutes for 3).
## Writes the "Crash and fault tests" section of docs/reliability.md and docs/reliability-chaos.svg.
## CHAOS_KILLS (default 25) and CHAOS_SEED choose the number of kills and the seed of their instants.
CHAOS_KILLS ?= 25
CHAOS_SEED ?= 20261128
CHAOS_CP_ROUNDS ?= 3
chaos: check-java
	rm -rf relay/target/chaos control-web/target/chaos
	$(MVN) -Pchaos -DskipUnitTests=true -pl relay,control-web -am verify -Dchaos.kills=$(CHAOS_KILLS) \
		-Dchaos.seed=$(CHAOS_SEED) -Dchaos.cp.rounds=$(CHAOS_CP_ROUNDS)
	python3 scripts/chaos-report relay/target/chaos docs/reliability.md docs/reliability-chaos.svg control-web/target/chaos

## make fuzz: coverage-guided fuzzing (Jazzer) of each target in fuzz/ for FUZZ_SECONDS (default 60), one JVM
## per target; the generated corpus and any crashing input (crash-*) go to fuzz/target/fuzz/; a crash fails
FUZZ_SECONDS ?= 60
fuzz: check-java
	$(MVN) -Pfuzz -pl fuzz -am -Dfuzz.seconds=$(FUZZ_SECONDS) -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false -DskipITs verify

## make bench: the side-by-side benchmarks (Steward, Postfix, OpenSMTPD, Exim): intake, end to end; then DKIM signing (JMH); then the control plane's API
bench: build
	scripts/install-peers
	scripts/install-bench-peers
	bench/intake-bench
	bench/e2e-bench
	bench/dkim-bench
	bench/control-bench
	bench/plan-bench

## make bench-intake: the intake benchmark alone, results in docs/benchmarks.md
bench-intake: build
	scripts/install-peers
	scripts/install-bench-peers
	bench/intake-bench

## make bench-e2e: the end-to-end benchmark alone (smtp-source → relay → smtp-sink), results in docs/benchmarks-e2e.md
bench-e2e: build
	scripts/install-peers
	scripts/install-bench-peers
	bench/e2e-bench

## make bench-dkim: DKIM signatures per second per core (JMH), results in docs/benchmarks-dkim.md
bench-dkim: build
	bench/dkim-bench

## make bench-plan: planning a Monday for 10,000 servers and 3,000 customers and rendering/sending their notices, results in docs/benchmarks-maintenance.md
bench-plan: build
	scripts/install-peers
	bench/plan-bench

## make bench-control: control-plane API (and fleet page) p50/p99 at 200 requests/s over 10,000 servers, results in docs/benchmarks-control.md
bench-control: build
	bench/control-bench

## make bench-fleet: N simulated agents (heartbeat every 30 s, a job long poll each) against the control plane on
## PostgreSQL, N stepped through STEPS; the N where the heartbeat p99 crosses 100 ms, results in docs/benchmarks-fleet.md
bench-fleet: build
	bench/fleet-bench

clean:
	$(MVN) -q clean
	rm -rf bin dist
