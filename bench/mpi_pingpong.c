/*
 * mpi_pingpong.c - the MPI counterpart of pingpong.c: rank 0 measures,
 * with rank 1, ping-pong latency (MPI_Send/MPI_Recv), streaming bandwidth
 * (a window of MPI_Isend, preposted MPI_Irecv into distinct buffers, one
 * ack, as osu_bw) and the message rate at 8 bytes, on the schedule of
 * pingpong_plan.h, and prints its lines:
 *   PINGPONG impl=openmpi route=R bytes=N ...   STREAM ...   MSGRATE ...
 * Usage: mpirun -np 2 ... mpi_pingpong [ROUTE-NAME]   (default "tcp")
 * Built by bench/run-direct.sh with mpicc; not part of the CMake build.
 */
#include "pingpong_plan.h"

#include <mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tags: TAG_MORE, or TAG_LAST on the message that ends a size's loop
 * (rank 0 decides: iterations done, or the budget spent), so that rank 1
 * follows without any extra message in the timed loop; TAG_ACK ends a
 * streaming window. */
enum { TAG_MORE = 1, TAG_LAST, TAG_ACK };

static char *buf, *rbuf; /* send buffer; receive slots of a window */
static MPI_Request reqs[64];
static MPI_Status stats[64];

/* Rank 0: whether the iteration after K (K < 0: warm-up) is the last. */
static int last_after(int k, double t0)
{
	return k + 1 >= PLAN_MAX_ITERS ||
	       (k + 1 >= PLAN_MIN_ITERS && MPI_Wtime() - t0 > PLAN_BUDGET_S);
}

/* One size's ping-pong loop; rank 0 prints its line. */
static void pingpong(int rank, const char *route, int len)
{
	struct plan_trials tr;
	double t0 = 0;
	int k, last = 0;

	for (k = -plan_warmup(len); !last; k++) {
		if (k == 0) {
			t0 = MPI_Wtime();
			plan_trials_start(&tr, t0);
		}
		if (rank == 0) {
			last = k >= 0 && last_after(k, t0);
			MPI_Send(buf, len, MPI_BYTE, 1, last ? TAG_LAST : TAG_MORE,
			         MPI_COMM_WORLD);
			MPI_Recv(rbuf, len, MPI_BYTE, 1, TAG_MORE, MPI_COMM_WORLD,
			         MPI_STATUS_IGNORE);
			if (k >= 0)
				plan_trials_tick(&tr, k + 1, MPI_Wtime(), last);
		} else {
			MPI_Status st;

			MPI_Recv(rbuf, len, MPI_BYTE, 0, MPI_ANY_TAG, MPI_COMM_WORLD,
			         &st);
			last = st.MPI_TAG == TAG_LAST;
			MPI_Send(rbuf, len, MPI_BYTE, 0, TAG_MORE, MPI_COMM_WORLD);
		}
	}
	if (rank == 0)
		plan_print_pingpong("openmpi", route, len, k, MPI_Wtime() - t0, tr.best);
}

/* One size's streaming loop, windows of plan_window(len); rank 0 prints
 * its line as KIND. */
static void stream(int rank, const char *route, const char *kind, int len)
{
	int window = plan_window(len), k, w, last = 0;
	double t0 = 0;

	for (k = -plan_warmup(len); !last; k++) {
		if (k == 0)
			t0 = MPI_Wtime();
		if (rank == 0) {
			last = k >= 0 && last_after(k, t0);
			for (w = 0; w < window; w++)
				MPI_Isend(buf, len, MPI_BYTE, 1,
				          last && w + 1 == window ? TAG_LAST : TAG_MORE,
				          MPI_COMM_WORLD, &reqs[w]);
			MPI_Waitall(window, reqs, MPI_STATUSES_IGNORE);
			MPI_Recv(NULL, 0, MPI_BYTE, 1, TAG_ACK, MPI_COMM_WORLD,
			         MPI_STATUS_IGNORE);
		} else {
			for (w = 0; w < window; w++)
				MPI_Irecv(rbuf + (size_t)w * len, len, MPI_BYTE, 0,
				          MPI_ANY_TAG, MPI_COMM_WORLD, &reqs[w]);
			MPI_Waitall(window, reqs, stats);
			last = stats[window - 1].MPI_TAG == TAG_LAST;
			MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_ACK, MPI_COMM_WORLD);
		}
	}
	if (rank == 0)
		plan_print_stream(kind, "openmpi", route, len, window, k,
		                  MPI_Wtime() - t0);
}

int main(int argc, char **argv)
{
	const char *route = argc > 1 ? argv[1] : "tcp";
	int rank, nranks, i;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	buf = malloc(PLAN_MAX_BYTES);
	rbuf = malloc(PLAN_MAX_WINDOW_BYTES);
	if (buf == NULL || rbuf == NULL || nranks != 2) {
		if (rank == 0)
			fprintf(stderr, "mpi_pingpong: needs exactly 2 ranks\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	memset(buf, 'x', PLAN_MAX_BYTES);
	if (rank == 0) {
		char name[MPI_MAX_PROCESSOR_NAME];
		int nlen;

		MPI_Get_processor_name(name, &nlen);
		fprintf(stderr, "mpi_pingpong: rank 0 on %s\n", name);
	}
	for (i = 0; i < PLAN_COUNT(plan_pingpong_sizes); i++)
		pingpong(rank, route, plan_pingpong_sizes[i]);
	for (i = 0; i < PLAN_COUNT(plan_stream_sizes); i++)
		stream(rank, route, "STREAM", plan_stream_sizes[i]);
	stream(rank, route, "MSGRATE", PLAN_RATE_BYTES);
	MPI_Finalize();
	free(buf);
	free(rbuf);
	return 0;
}
