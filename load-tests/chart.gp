# Draws BENCHMARKS.md's chart from bench.sh's table.csv (bench.sh runs it when gnuplot is installed):
#   gnuplot -e "csv='load-tests/results/<run>/table.csv'; out='load-tests/bench-chart.png'" load-tests/chart.gp
# (Debian: apt-get install gnuplot-nox.) Every gateway route and the trivial WebFlux app's two routes, in requests/s,
# against connections. The seeds' line is the two figures of their published table (81k requests/s at 100
# connections, 14k at 800, 429 answers included); the Kafka REST bridges' line is their durable produces/s at 100.
set terminal pngcairo size 1100,600 font "sans,11"
set output out
set datafile separator ","
set key outside right top vertical
set grid ytics
set xlabel "concurrent connections (wrk, 1 thread, same 2-core machine)"
set ylabel "requests/s (log scale)"
set xrange [50:850]
set logscale y
set yrange [500:200000]
set title "Streamgate's routes against the framework's limit (trivial WebFlux app), one bench.sh run"
route(name) = (strcol(1) eq name) ? column(3) : 1/0
plot csv every ::1 using 2:(route("trivial-get")) with linespoints lw 2 dt 2 pt 6 title "trivial GET /ping", \
     csv every ::1 using 2:(route("trivial-post")) with linespoints lw 2 dt 2 pt 4 title "trivial POST (same JSON)", \
     csv every ::1 using 2:(route("status")) with linespoints lw 2 pt 7 title "status", \
     csv every ::1 using 2:(route("liveness")) with linespoints lw 1 pt 9 title "liveness", \
     csv every ::1 using 2:(route("send")) with linespoints lw 2 pt 5 title "durable send", \
     csv every ::1 using 2:(route("batch")) with linespoints lw 1 pt 11 title "NDJSON batch of 10 (requests)", \
     csv every ::1 using 2:(route("results-json")) with linespoints lw 1 pt 13 title "results as JSON", \
     csv every ::1 using 2:(route("not-found")) with linespoints lw 1 pt 3 title "unknown stream (404)", \
     '-' using 1:2 with linespoints lw 1 dt 3 pt 2 title "seeds' published req/s (incl. 429s)", \
     '-' using 1:2 with points pt 1 ps 2 title "Kafka REST bridges, durable produces/s"
100,81000
800,14000
e
100,1700
100,2800
100,2400
e
