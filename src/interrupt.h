/*
 * Ctrl-C (SIGINT) and SIGTERM as a flag that one long operation polls — a
 * `pricing update`, or one line of a REPL — instead of ending the process.
 * Each guard has its own flag; guards nest (the innermost gets the signal)
 * and give the previous handlers back when released, so a command can be
 * run many times in one process.
 */
#ifndef AICOST_INTERRUPT_H
#define AICOST_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

struct interrupt_guard {
	volatile sig_atomic_t flag;          /* 1 once a signal came */
	volatile sig_atomic_t *outer;        /* the guard this one shadows */
	struct sigaction old_int, old_term;
};

/* Clears G's flag and sends SIGINT and SIGTERM to it until interrupt_release. */
void interrupt_catch(struct interrupt_guard *g);
/* The handlers and the guard that were there before interrupt_catch(G). */
void interrupt_release(struct interrupt_guard *g);

static inline bool interrupt_requested(const struct interrupt_guard *g)
{
	return g && g->flag;
}

#endif
