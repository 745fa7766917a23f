"""The home page by role: what waits on this person, their mentorships, their programs.

This package sits on the top floor: it reads every feature app (mentorships, goals, feedback,
matching, meetings, programs) and no app imports it, except the URL that serves the page. Each
module builds plain data with a fixed number of queries, however many rows there are:

- `relationships` — the viewer's mentorships as cards, the next meeting, a mentor's load;
- `waiting` — the things waiting on a participant, each a sentence with a link to the exact page;
- `programs` — coordinators' program cards (health at a glance) and what waits on them.
"""
