#!/usr/bin/env bash
# test_soak.sh - a short soak (tests/soak/soak.sh, docs/testing.md): 40 s
# of random traffic between tasks on three loopback hosts while tasks and
# daemons are killed at random and brought back; fails on any loss,
# duplicate, reordering or corruption between tasks that lived, or a crash.
# `make soak` runs the long one.
export SOAK_SECONDS=${SOAK_SECONDS:-40}
export SOAK_WORKERS=${SOAK_WORKERS:-6}
export SOAK_TASK_KILL_MS=${SOAK_TASK_KILL_MS:-2000}
export SOAK_DAEMON_KILL_MS=${SOAK_DAEMON_KILL_MS:-8000}
export SOAK_SELFTEST=1
exec bash "${PVMX_SRC:?}/tests/soak/soak.sh"
