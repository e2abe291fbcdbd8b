#!/usr/bin/env python3
"""One item of a profile, in µs of CPU per request, and where it is called from (BENCHMARKS.md section 39).

profile-libraries.py says which library a request's CPU goes to; this finds the items inside: what a method costs with
everything it calls, and who calls it. Each dir is one of load-tests/profile.sh's (a sample per ms of CPU; its
result.txt holds wrk's requests).

    load-tests/profile-items.py cost <profile dir> [<profile dir> ...] -- <frame> [<frame> ...]
        µs a request of the samples whose stack holds a frame containing <frame> (a method with all it calls),
        one column per profile: e.g. -- StrictServerWebExchangeFirewall HttpHeaders.headerSet
    load-tests/profile-items.py callers <profile dir> <frame> [<frames up>]
        the twelve costliest ways to the deepest frame containing <frame>, with that many callers above it (default 4)
"""
import collections
import pathlib
import sys

import profiles


def cost(directories, frames):
    read = [profiles.read(directory) for directory in directories]
    print('| µs of CPU a request, with what it calls | ' + ' | '.join(pathlib.Path(d).name for d in directories) + ' |')
    print('|---|' + '---:|' * len(directories))
    for frame in frames:
        cells = []
        for stacks, requests in read:
            samples = sum(n for stack, n in stacks if any(frame in f for f in stack))
            cells.append('%.2f' % (samples * 1000 / requests))  # a sample is 1 ms of CPU
        print('| ' + frame + ' | ' + ' | '.join(cells) + ' |')


def callers(directory, frame, up):
    stacks, requests = profiles.read(directory)
    ways = collections.Counter()
    for stack, samples in stacks:
        at = [i for i, f in enumerate(stack) if frame in f]
        if at:
            deepest = at[-1]
            ways[' <- '.join(f.split('(')[0] for f in reversed(stack[max(0, deepest - up):deepest + 1]))] += samples
    for way, samples in ways.most_common(12):
        print('%7.3f  %s' % (samples * 1000 / requests, way))


if __name__ == '__main__':
    if len(sys.argv) > 3 and sys.argv[1] == 'cost' and '--' in sys.argv:
        split = sys.argv.index('--')
        cost(sys.argv[2:split], sys.argv[split + 1:])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == 'callers':
        callers(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else 4)
    else:
        sys.exit(__doc__)
