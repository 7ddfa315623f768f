/* sim/err.c - error codes and messages; see sim/err.h. */
#include "sim/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *sim_strerror(int code)
{
	switch (code) {
	case SIM_OK:            return "success";
	case SIM_E_NOMEM:       return "out of memory";
	case SIM_E_IO:          return "input/output error";
	case SIM_E_PARSE:       return "parse error";
	case SIM_E_CONFIG:      return "configuration error";
	case SIM_E_TRUNCATED:   return "truncated input";
	case SIM_E_CORRUPT:     return "corrupt input";
	case SIM_E_INVAL:       return "invalid argument";
	case SIM_E_UNSUPPORTED: return "unsupported";
	}
	return "unknown error";
}

int sim_error_set(struct sim_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->code)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int sim_error_prefix(struct sim_error *e, int code, const char *fmt, ...)
{
	char old[SIM_ERROR_MSG_MAX];
	va_list ap;
	int n;

	if (!e)
		return code;
	if (e->code)
		memcpy(old, e->msg, sizeof(old));
	else
		snprintf(old, sizeof(old), "%s", sim_strerror(code));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", old);
	if (!e->code)
		e->code = code;
	return code;
}
