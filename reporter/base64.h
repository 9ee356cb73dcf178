#ifndef CREDAUDIT_BASE64_H
#define CREDAUDIT_BASE64_H

/* The value 0-63 of a character of the standard base64 alphabet
 * (RFC 4648), or -1 for any other character, '=' included. */
int base64_value(int c);

#endif
