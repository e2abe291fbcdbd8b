#!/usr/bin/env bash
# One line naming the machine a benchmark ran on, for the machine.txt beside its results: cores and CPU model (two
# VMs of "2 cores, 23 GiB" differed by 2x: BENCHMARKS.md section 20), memory, kernel.
echo "$(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
