#!/usr/bin/env python3
"""CPU per request by library, from async-profiler CPU profiles side by side (BENCHMARKS.md section 34).

    load-tests/profile-libraries.py <profile dir> [<profile dir> ...]

Each dir is one of load-tests/profile.sh's (event=cpu: a sample per ms of CPU; its result.txt holds wrk's
requests). A sample counts for the library of its deepest frame that is not the JDK's, with three exceptions that
cut across libraries: Netty's leak sampling (a stack trace per sampled buffer), the GC and the JIT, wherever their
frames run. Kernel frames count as the kernel's.
"""
import collections
import pathlib
import sys

import profiles

LIBRARIES = [
    ('io/streamgate/', 'Streamgate'),
    ('streamgate/', 'Streamgate'),  # the trivial app's own package
    ('org/springframework/security/', 'Spring Security'),
    ('org/springframework/', 'Spring (web, http, core, boot)'),
    ('io/micrometer/', 'Micrometer'),
    ('reactor/netty/', 'Reactor Netty'),
    ('reactor/', 'Reactor core'),
    ('io/netty/', 'Netty'),
    ('tools/jackson/', 'Jackson'),
    ('com/fasterxml/jackson/', 'Jackson'),
    ('org/apache/kafka/', 'Kafka (broker and clients)'),
    ('kafka/', 'Kafka (broker and clients)'),
    ('scala/', 'Kafka (broker and clients)'),
]


def library(frames):
    stack = ';'.join(frames)
    if 'ResourceLeakDetector' in stack:
        return "Netty's leak sampling"
    if 'G1' in stack:
        return 'GC'
    if 'CompileBroker' in stack or 'C2Compiler' in stack:
        return 'JIT'
    if frames[-1].endswith('_[k]'):
        return 'kernel'
    for frame in reversed(frames):
        for prefix, name in LIBRARIES:
            if frame.startswith(prefix):
                return name
    return 'JVM and JDK'


def profile(directory):
    samples = collections.Counter()
    stacks, requests = profiles.read(directory)
    for frames, count in stacks:
        samples[library(frames)] += count
    return samples, requests


def main(directories):
    runs = [(d.name, *profile(d)) for d in map(pathlib.Path, directories)]
    names = sorted({n for _, samples, _ in runs for n in samples}, key=lambda n: -runs[-1][1][n])
    print('| us of CPU per request (share), by library | ' + ' | '.join(name for name, _, _ in runs) + ' |')
    print('|---|' + '---:|' * len(runs))
    for n in names:
        cells = [f'{1000 * s[n] / r:.1f} ({100 * s[n] / sum(s.values()):.1f}%)' for _, s, r in runs]
        print(f'| {n} | ' + ' | '.join(cells) + ' |')
    print('| all | ' + ' | '.join(f'{1000 * sum(s.values()) / r:.1f}' for _, s, r in runs) + ' |')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
