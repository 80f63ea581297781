"""Hardware parsing on fixture files for several CPUs, and the core plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import hardware
from core.cli import main as cli_main

HW = Path(__file__).parent / "fixtures" / "hardware"


def load(name: str, sys_topology=None) -> hardware.CpuInfo:
    return hardware.build_info((HW / f"{name}.cpuinfo").read_text(), (HW / f"{name}.meminfo").read_text(),
                               sys_topology)


def write_sys(root: Path, topo: dict[int, tuple[int, int]]) -> Path:
    for cpu, (pkg, core) in topo.items():
        t = root / f"cpu{cpu}" / "topology"
        t.mkdir(parents=True)
        (t / "physical_package_id").write_text(f"{pkg}\n")
        (t / "core_id").write_text(f"{core}\n")
    (root / "cpufreq").mkdir()  # non-CPU entries are ignored
    return root


def test_sapphire_rapids_has_amx_and_uses_amx_kernels():
    info = load("sapphire_rapids_amx")
    assert info.has_amx and info.bf16_native
    assert (info.sockets, info.physical_cores, info.logical_cpus, info.smt_per_core) == (1, 4, 8, 2)
    assert hardware.ipex_kernel_variant(info) == "amx"
    rep = hardware.report(info)
    assert rep["isa"]["amx_int8"] and rep["isa"]["avx512_bf16"] and rep["isa"]["avx_vnni"]


def test_zen4_vm_has_avx512_bf16_vnni_no_amx():
    info = load("zen4_2vcpu")
    assert not info.has_amx
    assert info.has("avx512_bf16") and info.has("avx512_vnni") and info.bf16_native
    assert hardware.ipex_kernel_variant(info) == "avx512"
    # Two vCPUs that are hyperthreads of ONE physical core.
    assert (info.physical_cores, info.logical_cpus, info.smt_per_core) == (1, 2, 2)
    plan = hardware.core_plan(info)
    assert plan.shared and plan.training == (0, 1) and plan.inference == (0, 1)


def test_avx2_laptop():
    info = load("laptop_avx2")
    assert hardware.ipex_kernel_variant(info) == "avx2"
    assert not info.bf16_native
    assert info.physical_cores == 4 and info.logical_cpus == 8
    plan = hardware.core_plan(info)
    # Core 0 and its sibling (cpu 4) stay with the window; whole cores 1-3 with their siblings train.
    assert plan.inference == (0, 4)
    assert plan.training == (1, 2, 3, 5, 6, 7)
    assert not plan.shared


def test_two_socket_server():
    info = load("two_socket_skylake")
    assert info.sockets == 2 and info.physical_cores == 8 and info.logical_cpus == 16
    assert hardware.ipex_kernel_variant(info) == "avx512"
    plan = hardware.core_plan(info)
    assert set(plan.inference) | set(plan.training) == set(range(16))
    assert set(plan.inference).isdisjoint(plan.training)


def test_sys_topology_wins_over_cpuinfo(tmp_path):
    # /proc/cpuinfo of this KVM guest has no core ids; sysfs says two separate cores.
    sys_cpu = write_sys(tmp_path, {0: (0, 0), 1: (0, 1)})
    info = load("this_machine_kvm_avx2", hardware.read_sys_topology(sys_cpu))
    assert info.physical_cores == 2 and info.logical_cpus == 2
    # ...and the same files with sysfs saying "one core, two threads" give one core.
    sys_cpu2 = write_sys(tmp_path / "smt", {0: (0, 0), 1: (0, 0)})
    info2 = load("this_machine_kvm_avx2", hardware.read_sys_topology(sys_cpu2))
    assert info2.physical_cores == 1 and info2.smt_per_core == 2


def test_user_chosen_training_cores_are_validated():
    info = load("laptop_avx2")
    plan = hardware.core_plan(info, training=(2, 6))
    assert plan.training == (2, 6) and 2 not in plan.inference
    with pytest.raises(ValueError, match="not available"):
        hardware.core_plan(info, training=(42,))


@pytest.mark.parametrize("text,cpus", [("0-3,8,10-11", (0, 1, 2, 3, 8, 10, 11)), ("5", (5,)), ("", ())])
def test_cpu_list_round_trip(text, cpus):
    assert hardware.parse_cpu_list(text) == cpus
    assert hardware.format_cpu_list(cpus) == text


def test_meminfo():
    total, avail = hardware.parse_meminfo((HW / "zen4_2vcpu.meminfo").read_text())
    assert total == 24 * 2**30 and avail == int(24 * 1024 * 1024 * 0.8) * 1024


def test_doctor_cli_on_amx_fixture(capsys):
    rc = cli_main(["doctor", "--json", "--cpuinfo", str(HW / "sapphire_rapids_amx.cpuinfo"),
                   "--meminfo", str(HW / "sapphire_rapids_amx.meminfo")])
    assert rc == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["amx"] is True and rep["ipex_llm_kernel"] == "amx"


def test_doctor_cli_on_this_machine(capsys):
    assert cli_main(["doctor"]) == 0
    out = capsys.readouterr().out
    live = hardware.detect()
    assert f"{live.logical_cpus} logical" in out
    assert f"{hardware.ipex_kernel_variant(live)} kernels" in out
    assert ("AMX            yes" in out) == live.has_amx
