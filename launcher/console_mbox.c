/*
 * console_mbox.c - commands on the daemon's message mailbox (names, put,
 * lookup, remove) and reset, which kills every task but the no-reset
 * ones and clears the persistent mailbox entries left behind.
 */
#include "console.h"
#include "errtext.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdlib.h>
#include <string.h>

enum console_action console_cmd_names(int ac, char **av)
{
	struct pvmmboxinfo *classes = NULL;
	int nclasses = 0, r;

	if (ac > 2) {
		printf("names: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	r = pvm_getmboxinfo(ac == 2 ? av[1] : "*", &nclasses, &classes);
	if (r < 0) {
		printf("names: %s\n", errtext(r));
		return CONSOLE_CONTINUE;
	}
	for (int i = 0; i < nclasses; i++) {
		const struct pvmmboxinfo *c = &classes[i];

		printf("<%s>:\n", c->mi_name != NULL ? c->mi_name : "");
		for (int k = 0; k < c->mi_nentries; k++)
			printf("\tindex=%d owner=0x%x/%d flags=0x%x\n", c->mi_indices[k],
			       (unsigned)c->mi_owners[k], c->mi_owners[k],
			       (unsigned)c->mi_flags[k]);
		putchar('\n');
	}
	return CONSOLE_CONTINUE;
}

/* put name value, or put name flags value (PVM's order): the entry is a
 * message holding the string value */
enum console_action console_cmd_put(int ac, char **av)
{
	int flags = PvmMboxDefault, bufid, old, r;
	const char *value;

	if (ac == 4) {
		if (console_parse_int(av[2], &flags) < 0) {
			printf("put: bad flags \"%s\" (usage: put name [flags] value)\n",
			       av[2]);
			return CONSOLE_CONTINUE;
		}
		value = av[3];
	} else if (ac == 3) {
		value = av[2];
	} else {
		printf("put: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	bufid = pvm_mkbuf(PvmDataDefault);
	if (bufid < 0) {
		printf("put: %s\n", errtext(bufid));
		return CONSOLE_CONTINUE;
	}
	/* pack into a buffer of our own, leaving the send buffer as it was */
	old = pvm_setsbuf(bufid);
	r = pvm_pkstr((char *)value);
	pvm_setsbuf(old > 0 ? old : 0);
	if (r >= 0)
		r = pvm_putinfo(av[1], bufid, flags);
	if (r < 0)
		printf("put: %s\n", errtext(r));
	pvm_freebuf(bufid);
	return CONSOLE_CONTINUE;
}

/* Reads "name [index]"; returns 0, or -1 after saying what is wrong. */
static int name_and_index(const char *cmd, int ac, char **av, int *index)
{
	*index = 0;
	if (ac < 2 || ac > 3) {
		printf("%s: wrong #args\n", cmd);
		return -1;
	}
	if (ac == 3 && (console_parse_int(av[2], index) < 0 || *index < 0)) {
		printf("%s: bad index \"%s\"\n", cmd, av[2]);
		return -1;
	}
	return 0;
}

enum console_action console_cmd_lookup(int ac, char **av)
{
	int index, bufid, len = 0, tag, src, old, r;
	char *text;

	if (name_and_index("lookup", ac, av, &index) < 0)
		return CONSOLE_CONTINUE;
	bufid = pvm_recvinfo(av[1], index, PvmMboxDefault);
	if (bufid < 0) {
		printf("lookup: %s\n", errtext(bufid));
		return CONSOLE_CONTINUE;
	}
	/* a packed string is never longer than the message holding it */
	if (pvm_bufinfo(bufid, &len, &tag, &src) < 0 || len < 0)
		len = 0;
	text = malloc((size_t)len + 1);
	if (text == NULL) {
		printf("lookup: %s\n", errtext(PvmNoMem));
		pvm_freebuf(bufid);
		return CONSOLE_CONTINUE;
	}
	text[0] = '\0';
	old = pvm_setrbuf(bufid);
	r = len > 0 ? pvm_upkstr(text) : PvmNoData;
	pvm_setrbuf(old > 0 ? old : 0);
	if (r < 0)
		printf("lookup: %s[%d] is not a string (%d bytes)\n", av[1], index, len);
	else
		printf("%s\n", text);
	free(text);
	pvm_freebuf(bufid);
	return CONSOLE_CONTINUE;
}

enum console_action console_cmd_remove(int ac, char **av)
{
	int index, r;

	if (name_and_index("remove", ac, av, &index) < 0)
		return CONSOLE_CONTINUE;
	r = pvm_delinfo(av[1], index, PvmMboxDefault);
	if (r < 0)
		printf("remove: %s\n", errtext(r));
	return CONSOLE_CONTINUE;
}

/*
 * reset: every task but this console and the no-reset ones (other
 * consoles) is killed, and the daemon deletes the persistent mailbox
 * entries of tasks that have exited, and those of the killed tasks as
 * they exit.  reset info [class [index]]: only the persistent entries
 * whose owner has exited (of class, at index).  As PVM 3.4.6's console,
 * through its pvmreset; silent when it works.
 */
enum console_action console_cmd_reset(int ac, char **av)
{
	char *name = "";
	int index = -1, kill = 1, r;

	if (ac > 1) {
		if (strcmp(av[1], "info") != 0) {
			printf("\"%s\" arg to reset not valid\n", av[1]);
			return CONSOLE_CONTINUE;
		}
		if (ac > 4) {
			printf("reset: wrong #args\n");
			return CONSOLE_CONTINUE;
		}
		kill = 0;
		if (ac > 2)
			name = av[2];
		if (ac > 3 && (console_parse_int(av[3], &index) < 0 || index < -1)) {
			printf("reset: bad index \"%s\"\n", av[3]);
			return CONSOLE_CONTINUE;
		}
	}
	r = pvmreset(console.mytid, kill, name, index);
	if (r < 0)
		printf("reset: %s\n", errtext(r));
	return CONSOLE_CONTINUE;
}
