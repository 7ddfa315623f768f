# doc/: the manual page and the walk-scenario format.  The documents
# installed under $(docdir) are listed by the folders that hold them
# (dist_doc_DATA += ...); the manual's test is tests/run_manpage.sh.

dist_man_MANS = doc/mmusim.1
dist_doc_DATA += doc/walk-scenario.md
