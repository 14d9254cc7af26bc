#!/usr/bin/env bats
# make install / uninstall honour PREFIX and DESTDIR, and the installed program finds
# its catalog from any directory.
load helpers

@test "make install into DESTDIR works from any directory, uninstall removes it" {
	dest="$BATS_TEST_TMPDIR/dest"
	run make -s -C "$AICOST_ROOT" install DESTDIR="$dest" PREFIX=/opt/aicost
	[ "$status" -eq 0 ]
	[ -x "$dest/opt/aicost/bin/aicost" ]
	[ -f "$dest/opt/aicost/share/aicost/pricing/accelerators.csv" ]
	# the store built from the catalog, which first use copies instead of seeding
	[ -f "$dest/opt/aicost/share/aicost/pricing/catalog.db" ]
	[ -f "$dest/opt/aicost/share/man/man1/aicost.1" ]
	[ -f "$dest/opt/aicost/share/man/man5/aicost-scenario.5" ]
	cd /
	run "$dest/opt/aicost/bin/aicost" pricing list --accelerator h100 --provider aws --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"p5.48xlarge"* ]]
	run make -s -C "$AICOST_ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/aicost
	[ "$status" -eq 0 ]
	[ ! -e "$dest/opt/aicost/bin/aicost" ]
	[ ! -e "$dest/opt/aicost/share/aicost" ]
	[ -z "$(find "$dest" -type f)" ]
}
