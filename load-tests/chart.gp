# Draws BENCHMARKS.md's chart from bench.sh's table.csv:
#   gnuplot -e "csv='load-tests/results/<run>/table.csv'; out='load-tests/bench-chart.png'" load-tests/chart.gp
# (Debian: apt-get install gnuplot-nox.) The seeds' line is the two figures of their published table that the
# issue quotes (81k requests/s at 100 connections, 14k at 800, 429 answers included); the rest of it is not here.
set terminal pngcairo size 960,540 font "sans,11"
set output out
set datafile separator ","
set key top center horizontal
set grid ytics
set xlabel "concurrent connections (wrk, 1 thread, same 2-core machine)"
set ylabel "requests/s (log scale)"
set y2label "send p99 (ms)"
set ytics nomirror
set y2tics
set xrange [50:850]
set logscale y
set yrange [500:200000]
set y2range [0:*]
set title "Streamgate: durable sends/s and p99 against connections"
plot csv every ::1 using 1:2 with linespoints lw 2 pt 7 title "Streamgate durable sends/s", \
     csv every ::1 using 1:5 with linespoints lw 1 dt 2 pt 6 title "HTTP limit (same run)", \
     csv every ::1 using 1:4 axes x1y2 with linespoints lw 1 pt 5 title "Streamgate send p99 (ms)", \
     '-' using 1:2 with linespoints lw 1 dt 3 pt 2 title "seeds' published req/s (incl. 429s)"
100,81000
800,14000
e
