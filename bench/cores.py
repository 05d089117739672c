"""Where the benchmark's processes run, and whether a measured process had its core to itself.

With two cores or more, the measured process (the hub, the bare proxy, nginx) runs alone on the first core, and
the benchmark runner, wrk and the receiver on the others. CPU time comes from /proc: the measured process group's
own (every thread and every child), and the measured core's total, so a round in which something else ran on that
core can be told apart and run again."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

# A round in which other work (or the hypervisor: steal) took more than this share of the measured core is not a
# figure; it is run again.
MOST_FOREIGN_SHARE = 0.15
TICKS = os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass(frozen=True)
class Cores:
    measured: frozenset[int]
    others: frozenset[int]

    @classmethod
    def detect(cls) -> Cores:
        available = sorted(os.sched_getaffinity(0))
        if len(available) < 2:
            return cls(frozenset(available), frozenset(available))
        return cls(frozenset(available[:1]), frozenset(available[1:]))

    @property
    def pinned(self) -> bool:
        return not self.measured & self.others

    def measured_prefix(self) -> list[str]:
        """The argv prefix that starts a process on the measured core."""
        return ["taskset", "-c", ",".join(map(str, sorted(self.measured)))] if self.pinned else []

    def every_core_prefix(self) -> list[str]:
        """The argv prefix that starts a process on every core (the runner itself is kept off the measured one, and
        what it starts would inherit that)."""
        return ["taskset", "-c", ",".join(map(str, sorted(self.measured | self.others)))] if self.pinned else []

    def keep_self_off_the_measured_core(self) -> None:
        """The runner, and everything it starts without `measured_prefix` (wrk, the receiver), on the others."""
        os.sched_setaffinity(0, self.others)


def group_members(group: int) -> list[list[str]]:
    """The /proc/{pid}/stat fields after the command name (state, ppid, pgrp, ...) of every process in process
    group `group`."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group:
            members.append(fields)
    return members


def group_cpu_seconds(group: int) -> float:
    """User + system CPU time of every process in process group `group` so far, children it has reaped included."""
    return sum(int(value) for fields in group_members(group) for value in fields[11:15]) / TICKS


def core_ticks(cores: frozenset[int]) -> dict[str, int]:
    """Busy (user, nice, system, irq), softirq and steal ticks of `cores`, and all their ticks."""
    totals = {"busy": 0, "softirq": 0, "steal": 0, "all": 0}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if not name.startswith("cpu") or name == "cpu" or int(name[3:]) not in cores:
            continue
        user, nice, system, idle, iowait, irq, softirq, steal = (int(value) for value in values[:8])
        totals["busy"] += user + nice + system + irq
        totals["softirq"] += softirq
        totals["steal"] += steal
        totals["all"] += user + nice + system + idle + iowait + irq + softirq + steal
    return totals


class CoreWatch:
    """What the measured core did while a load ran: how much of it the measured group used, and how much went to
    anything else."""

    def __init__(self, cores: Cores, group: int) -> None:
        self.cores, self.group = cores, group
        self.cpu_before = group_cpu_seconds(group)
        self.ticks_before = core_ticks(cores.measured)
        self.load_before = Path("/proc/loadavg").read_text().split()[0]

    def finish(self) -> dict[str, float | bool | str]:
        cpu = group_cpu_seconds(self.group) - self.cpu_before
        after = core_ticks(self.cores.measured)
        ticks = {key: after[key] - self.ticks_before[key] for key in after}
        elapsed = max(ticks["all"], 1)
        figures: dict[str, float | bool | str] = {"cpu_seconds": round(cpu, 4), "load_average": self.load_before}
        if self.cores.pinned:
            foreign = max(0.0, ticks["busy"] - cpu * TICKS) / elapsed
            steal = ticks["steal"] / elapsed
            figures |= {
                "measured_core_used": round(cpu * TICKS / elapsed, 3),
                "foreign_share": round(foreign, 3),
                "steal_share": round(steal, 3),
                "softirq_share": round(ticks["softirq"] / elapsed, 3),
                "had_its_core": foreign + steal <= MOST_FOREIGN_SHARE,
            }
        return figures
