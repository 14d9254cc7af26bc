/* aicost: what AI infrastructure will really cost. The commands are in commands.c. */
#include "cli.h"

int main(int argc, char **argv)
{
	return aicost_main(argc, argv);
}
