"""Pinning helpers (no torch): OpenMP environment, thread masks, the bundled allocator."""

from __future__ import annotations

import os

from core.workers import affinity


def test_omp_env_binds_one_thread_per_cpu():
    env = affinity.omp_env((2, 3, 5))
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "3"
    assert env["OMP_PLACES"] == "{2},{3},{5}" and env["OMP_PROC_BIND"] == "close"
    assert "proclist=[2,3,5]" in env["KMP_AFFINITY"]


def test_thread_masks_lists_every_thread_of_this_process():
    masks = affinity.thread_masks()
    assert os.getpid() in masks
    assert affinity.masks_ok(masks, tuple(os.sched_getaffinity(0)))
    assert not affinity.masks_ok({1: "0-3"}, (1,))


def test_allocator_is_ipex_llms_tcmalloc():
    lib = affinity.allocator_path()
    assert lib is not None and lib.name == "libtcmalloc.so" and lib.parent.name == "libs"
