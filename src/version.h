/* The version of aicost: for --version and the User-Agent of price requests. */
#ifndef AICOST_VERSION_H
#define AICOST_VERSION_H

#define AICOST_VERSION "0.1.0"

#endif
