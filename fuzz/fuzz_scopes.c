/*
 * Fuzz target for scopes_parse(): any bytes, read as one scope list.
 *
 * Properties checked: a success appends only non-empty scopes made of
 * letters, digits, '_', '-' and '.', after what the list held before,
 * and leaves the message empty. A failure leaves the list as it was and
 * writes a one-line message. "\n" and "\r\n" line ends read the same.
 */
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "scopes.h"

static int is_scope(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-.", *s))
			return 0;
	return 1;
}

/* Copy `data` with every "\n" that has no '\r' before it made "\r\n". */
static void add_crlf(struct buf *out, const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			buf_addch(out, '\r');
		buf_addch(out, data[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist list = STRLIST_INIT, quiet_list = STRLIST_INIT;
	struct strlist crlf_list = STRLIST_INIT;
	struct buf err = BUF_INIT, crlf_err = BUF_INIT, crlf = BUF_INIT;
	size_t i;
	int ret, crlf_ret;

	/* An item from an earlier call, which the parse must not touch. */
	strlist_add(&list, "earlier", 7);
	ret = scopes_parse((const char *)data, size, &list, &err);

	fuzz_require(list.count >= 1 && !strcmp(list.items[0], "earlier"),
		     "the earlier item stays first");
	if (ret == 0) {
		fuzz_require(err.len == 0, "success writes no message");
		for (i = 1; i < list.count; i++)
			fuzz_require(is_scope(list.items[i]),
				     "each scope is a non-empty name");
	} else {
		fuzz_require(ret == -1, "failure returns -1");
		fuzz_require(list.count == 1, "failure leaves the list as it was");
		fuzz_require(err.len > 0, "failure writes a message");
		fuzz_require(strlen(err.data) == err.len &&
			     !memchr(err.data, '\n', err.len) &&
			     !memchr(err.data, '\r', err.len),
			     "the message is one line");
	}
	fuzz_require(scopes_parse((const char *)data, size, &quiet_list,
				  NULL) == ret,
		     "the result does not depend on the message buffer");

	add_crlf(&crlf, data, size);
	crlf_ret = scopes_parse(crlf.data, crlf.len, &crlf_list, &crlf_err);
	fuzz_require(crlf_ret == ret, "CRLF line ends give the same result");
	if (ret == 0) {
		fuzz_require(crlf_list.count == list.count - 1,
			     "CRLF line ends give the same number of scopes");
		for (i = 0; i < crlf_list.count; i++)
			fuzz_require(!strcmp(crlf_list.items[i],
					     list.items[1 + i]),
				     "CRLF line ends give the same scopes");
	}

	strlist_release(&list);
	strlist_release(&quiet_list);
	strlist_release(&crlf_list);
	buf_release(&err);
	buf_release(&crlf_err);
	buf_release(&crlf);
	return 0;
}
