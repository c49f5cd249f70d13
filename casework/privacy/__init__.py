"""Privacy (RGPD): retention and anonymisation, and a person's own data (subject access).

``operations`` anonymises a closed case, erases one person at their request and runs the
retention; ``people`` finds a person across cases and gathers what is held on them;
``document`` writes that as a readable .docx and a JSON file. The privacy officer works
here without reading any case."""
