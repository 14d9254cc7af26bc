/* SIGINT and SIGTERM as a flag per guard (see interrupt.h). */
#include "interrupt.h"

#include <stddef.h>

/*
 * The flag of the innermost guard. A signal handler receives no context, so
 * this one pointer is where it finds it; it only ever points into a guard that
 * interrupt_catch installed and interrupt_release takes it back from.
 */
static volatile sig_atomic_t *volatile current_flag;

static void on_signal(int sig)
{
	(void)sig;
	if (current_flag)
		*current_flag = 1;
}

void interrupt_catch(struct interrupt_guard *g)
{
	struct sigaction sa = { .sa_handler = on_signal };

	g->flag = 0;
	g->outer = current_flag;
	current_flag = &g->flag;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &g->old_int);
	sigaction(SIGTERM, &sa, &g->old_term);
}

void interrupt_release(struct interrupt_guard *g)
{
	sigaction(SIGINT, &g->old_int, NULL);
	sigaction(SIGTERM, &g->old_term, NULL);
	current_flag = g->outer;
	/* An interrupt of the inner operation interrupts the outer one too. */
	if (g->flag && g->outer)
		*g->outer = 1;
}
