"""A load-tests/profile.sh CPU profile as the profile scripts read it (profile-libraries.py, profile-items.py).

A profile dir holds cpu.collapsed (async-profiler's collapsed stacks, a sample per ms of CPU) and result.txt (wrk's
RESULT line, whose requests divide the samples into CPU per request).
"""
import pathlib
import re


def read(directory):
    """The profile's stacks, each as (frames from the thread's root, samples), and the requests wrk counted."""
    directory = pathlib.Path(directory)
    requests = int(re.search(r'requests=(\d+)', (directory / 'result.txt').read_text()).group(1))
    stacks = []
    for line in (directory / 'cpu.collapsed').read_text().splitlines():
        stack, samples = line.rsplit(' ', 1)
        stacks.append((stack.split(';'), int(samples)))
    return stacks, requests
