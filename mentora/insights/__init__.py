"""Insights: how each program is going, who needs help, and what mentoring changed.

Read-only reporting for coordinators (and, later, sponsors). Like `home`, it sits on the top floor:
it reads every feature app and none imports it. Every figure about a group of people goes through
`suppression` (groups smaller than five are hidden, and so is whatever would let a reader work them
back out of the totals).

- `suppression` — the one privacy-threshold module (k = 5, complementary suppression);
- `health` — a program's figures: funnel, meetings, goals, check-ins, evaluations, growth, load;
- `charts` — accessible server-rendered SVG charts, each with a data table and a text summary;
- `risk` — at-risk mentorships, scored from their signals, with reasons and a suggested action;
- `exports` — CSV / XLSX downloads, safe against spreadsheet formula injection.
"""
