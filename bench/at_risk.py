"""Back-test of the at-risk predictor on generated mentorship histories whose outcome is known.

    .venv/bin/python bench/at_risk.py                       # 2,000 pairs for each of seeds 1–5
    .venv/bin/python bench/at_risk.py --pairs 500 --seed 7  # one seed

For each seed it generates pairs, stops each at a snapshot day, builds the `MentorshipSignals` a
coordinator's page would show that day (the same definitions as `mentora.insights.signals`, computed
here in plain Python from the generated events), and compares two ways of flagging pairs with what
happened in the 30 days after the snapshot:

- the predictor: `mentora.insights.risk.assess(signals).is_at_risk` (score ≥ the default threshold);
- the rule: "no meeting in 21 days" (`days_without_meeting >= 21`).

A pair *went wrong* when, in the 30 days after the snapshot, it ended early or went dormant (held
no meeting and wrote at most two messages: a greeting is not a mentorship). Precision = flagged pairs that went wrong / flagged pairs;
recall = pairs that went wrong that were flagged / pairs that went wrong.

The behaviour model
-------------------
Each pair has a mentor and a mentee. Hidden from the predictor, each side has a *commitment*
c ∈ [0, 1] that changes day by day, and the pair has a *fit* f ∈ [0, 1] (how well they work together).
Its *health* is min(c_mentor, c_mentee) × (0.3 + 0.7 f). Kinds of pairs (share of pairs):

- steady (28 %): committed, good fit; commitment wanders a little and comes back;
- drifting (14 %): like steady until a day between 10 and 110, then both sides lose interest slowly;
- goes quiet (10 %): like steady until a day between 20 and 110, when both sides' commitment drops
  to a fifth (a reorganisation, a leave, a new job);
- async (12 %): healthy, but they meet only every 5–6 weeks and write three times as much;
- busy but fine (13 %): healthy, with busy spells of 10–21 days (a release, quarter end) when most
  meetings are skipped or marked missed and they write less, then they pick up again;
- one-sided (12 %): from a day between 5 and 90 one side (either) loses interest while the other
  keeps writing and booking;
- poor fit (11 %): they start committed, but the fit is low and slowly gets worse; commitment
  sinks towards the fit; they keep meeting for a while out of politeness.

Any pair may also meet a life event (1.5 ‰ a day): one side's commitment halves or worse.

What the sides do each day follows from their commitment (and busy spells), never from the
predictor's rules: a meeting slot comes every 1–3 weeks (5–6 for async pairs); the more committed
side tends to book it three days ahead; it happens with probability min(c)^0.7 (a quarter of that
in a busy spell); attendance is recorded only sometimes (so some meetings that did not happen look
held, as they would in Mentora); some held meetings get a session log. Each side writes on its own
(10 % × c² a day, 30 % × c² for async pairs) and answers the other's unanswered messages (50 % × c a day).
Check-ins come on day 14 and every 4 weeks; each side answers with probability 0.25 + 0.7 c, and
"how is it going" is 1 + 4 (0.55 f + 0.2 c_self + 0.25 c_other) plus noise, rounded to 1–5. Most
pairs set milestones, done on time more often when the mentee is committed. The agreement is
written by the more committed side and confirmed by the other at 30 % × c a day.

The outcome follows from the hidden health: every day a pair ends early with probability
0.0008 + 0.05 × max(0, 0.5 − health)^1.5, and a pair whose sides have lost interest stops meeting and
writing on its own (dormant). Pairs that ended before the snapshot are not open then and are left
out, as the page leaves them out. The snapshot falls between day 30 and day 90; the histories run
to day 120 at most.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()  # for the apps' imports and translations only: nothing here touches a database

from mentora.insights.risk import AT_RISK, assess  # noqa: E402
from mentora.insights.signals import ACTIVITY_WINDOW, RECENT, UNANSWERED_AFTER, MentorshipSignals  # noqa: E402

SIDES = ("mentor", "mentee")
NAMES = {"mentor": "Morgan", "mentee": "Ana"}
KINDS = [("steady", 0.28), ("drifting", 0.14), ("goes_quiet", 0.10), ("async", 0.12), ("busy", 0.13),
         ("one_sided", 0.12), ("poor_fit", 0.11)]
OUTCOME_DAYS = 30
SNAPSHOT_DAYS = (30, 90)
RULE_DAYS = 21
#: A pair that holds no meeting and writes at most this many messages in 30 days is dormant.
DORMANT_MESSAGES = 2
RECENT_DAYS = RECENT.days
ACTIVITY_DAYS = ACTIVITY_WINDOW.days
UNANSWERED_DAYS = UNANSWERED_AFTER.days


@dataclass
class MeetingEvent:
    day: int
    booked_at: float
    booked_by: str
    happened: bool | None = None  # as recorded: True, False ("did not happen") or None (not recorded)
    cancelled: bool = False
    took_place: bool = False       # the truth, which the page does not see


@dataclass
class History:
    """One generated pair: what it did (visible), what it was (hidden) and what became of it."""

    kind: str
    snapshot: int
    meetings: list[MeetingEvent] = field(default_factory=list)
    sessions: list[int] = field(default_factory=list)
    messages: list[tuple[float, str]] = field(default_factory=list)
    check_ins: list[tuple[float, str, int]] = field(default_factory=list)
    milestones: list[tuple[int, int, float | None]] = field(default_factory=list)  # set on, due on, done at
    agreement_at: float | None = None
    confirmations: dict[str, float] = field(default_factory=dict)
    ended_early: bool = False
    dormant: bool = False

    @property
    def went_wrong(self) -> bool:
        return self.ended_early or self.dormant


def _pick_kind(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for kind, share in KINDS:
        total += share
        if roll < total:
            return kind
    return KINDS[-1][0]


def simulate(rng: random.Random) -> History | None:
    """Generate one pair up to 30 days after its snapshot; None when it ended before the snapshot."""
    kind = _pick_kind(rng)
    snapshot = rng.randint(*SNAPSHOT_DAYS)
    history = History(kind=kind, snapshot=snapshot)
    base = {side: rng.uniform(0.65, 0.95) for side in SIDES}
    commitment = dict(base)
    fit = rng.uniform(0.1, 0.4) if kind == "poor_fit" else rng.uniform(0.55, 0.95)
    turn_day = rng.randint(10, 110) if kind == "drifting" else rng.randint(20, 110) if kind == "goes_quiet" \
        else rng.randint(5, 90)
    fade = rng.uniform(0.004, 0.012) if kind == "drifting" else rng.uniform(0.008, 0.02)
    fading_side = rng.choice(SIDES)
    interval = rng.randint(35, 42) if kind == "async" else rng.choice([7, 14, 14, 14, 21])
    write_rate = 0.30 if kind == "async" else 0.10
    next_slot = rng.randint(3, 10)
    busy_until = -1
    pending: MeetingEvent | None = None
    last_written = {side: -1.0 for side in SIDES}
    uses_milestones = rng.random() < 0.7
    horizon = snapshot + OUTCOME_DAYS

    for day in range(horizon):
        # How committed each side is today.
        for side in SIDES:
            c = commitment[side] + rng.gauss(0, 0.012)
            if kind in ("steady", "async", "busy"):
                c += 0.01 * (base[side] - c)
            elif kind == "drifting" and day >= turn_day:
                c -= fade
            elif kind == "goes_quiet" and day == turn_day:
                c *= rng.uniform(0.05, 0.3)
            elif kind == "one_sided" and side == fading_side and day >= turn_day:
                c -= fade
            elif kind == "one_sided" and side != fading_side:
                c += 0.01 * (base[side] - c)
            elif kind == "poor_fit":
                c += 0.02 * (fit - c)
            commitment[side] = min(max(c, 0.02), 1.0)
        if kind == "poor_fit":
            fit = max(fit - 0.002, 0.0)
        if rng.random() < 0.0015:
            side = rng.choice(SIDES)
            commitment[side] *= rng.uniform(0.2, 0.6)
        if kind == "busy" and day > busy_until and rng.random() < 0.02:
            busy_until = day + rng.randint(10, 21)
        busy = day <= busy_until
        health = min(commitment.values()) * (0.3 + 0.7 * fit)

        if day > 0 and rng.random() < 0.0008 + 0.05 * max(0.0, 0.5 - health) ** 1.5:
            if day <= snapshot:
                return None  # ended before the snapshot: not an open pair that day
            history.ended_early = True
            return history

        # Meetings: booked three days ahead by the more committed side, then held or not.
        if (day == max(next_slot - 3, 0) and pending is None
                and rng.random() < min(1.0, 1.1 * max(commitment.values()) * (0.5 if busy else 1.0))):
            weights = [commitment[side] ** 2 for side in SIDES]
            booker = rng.choices(SIDES, weights=weights)[0]
            pending = MeetingEvent(day=next_slot, booked_at=day + rng.uniform(0.3, 0.8), booked_by=booker)
            history.meetings.append(pending)
            if rng.random() < 0.6:
                _write(history, last_written, day + rng.uniform(0.3, 0.9), booker)
        if day == next_slot:
            if pending is not None:
                records = rng.random() < 0.4 + 0.4 * max(commitment.values())
                if rng.random() < min(commitment.values()) ** 0.7 * (0.25 if busy else 1.0):
                    pending.took_place = True
                    pending.happened = True if records else None
                    if rng.random() < 0.35:
                        history.sessions.append(day)
                    if rng.random() < 0.3:
                        _write(history, last_written, day + rng.uniform(0.5, 0.95), rng.choice(SIDES))
                elif rng.random() < 0.3:
                    pending.cancelled = True
                else:
                    pending.happened = False if records else None
                pending = None
            next_slot = day + max(interval + rng.randint(-2, 2), 3)

        # Messages: each side writes on its own, and answers what waits for it.
        for side in SIDES:
            other = SIDES[1 - SIDES.index(side)]
            rate = write_rate * commitment[side] ** 2 * (0.6 if busy else 1.0)
            waiting = last_written[other] > last_written[side]
            if rng.random() < rate or (waiting and rng.random() < 0.5 * commitment[side] * (0.6 if busy else 1.0)):
                _write(history, last_written, day + rng.uniform(0.05, 0.95), side)

        # Check-ins on day 14 and every four weeks.
        if day >= 14 and (day - 14) % 28 == 0:
            for side in SIDES:
                other = SIDES[1 - SIDES.index(side)]
                if rng.random() < 0.25 + 0.7 * commitment[side]:
                    feeling = 1 + 4 * (0.55 * fit + 0.2 * commitment[side] + 0.25 * commitment[other])
                    going_well = min(max(round(feeling + rng.gauss(0, 0.6)), 1), 5)
                    history.check_ins.append((day + rng.uniform(0, 4), side, going_well))

        # The agreement: written by the more committed side, confirmed by the other.
        keen = max(SIDES, key=lambda s: commitment[s])
        if history.agreement_at is None and day >= 1 and rng.random() < 0.25 * commitment[keen]:
            history.agreement_at = day + rng.uniform(0.1, 0.9)
            history.confirmations[keen] = history.agreement_at
        elif history.agreement_at is not None:
            for side in SIDES:
                if side not in history.confirmations and rng.random() < 0.3 * commitment[side]:
                    history.confirmations[side] = day + rng.uniform(0.1, 0.9)

        # Milestones: set in the first weeks, done (on time or late) when the mentee works on them.
        if uses_milestones and day == 12:
            for _ in range(rng.randint(1, 4)):
                history.milestones.append((day, day + rng.randint(14, 100), None))
        for index, (set_on, due_on, done_at) in enumerate(history.milestones):
            if done_at is None and rng.random() < (0.5 if day == due_on else 0.03) * commitment["mentee"]:
                history.milestones[index] = (set_on, due_on, day + rng.uniform(0.1, 0.9))

    after = snapshot + 1
    history.dormant = (sum(1 for at, _side in history.messages if at >= after) <= DORMANT_MESSAGES
                       and not any(m.took_place and m.day >= after for m in history.meetings))
    return history


def _write(history: History, last_written: dict[str, float], at: float, side: str) -> None:
    history.messages.append((at, side))
    last_written[side] = max(last_written[side], at)


def signals_at(history: History, mentorship_id: int = 0) -> MentorshipSignals:
    """The signals of the pair at the end of its snapshot day, as `collect_signals` defines them."""
    today = history.snapshot
    now = today + 0.999
    met = [m.day for m in history.meetings
           if m.day <= today and not m.cancelled and m.happened is not False]  # held, or past and unrecorded
    met += [day for day in history.sessions if day <= today]
    messages = sorted((at, side) for at, side in history.messages if at <= now)
    # Unanswered: the last writer's messages after anybody else's last one, older than three days.
    unanswered_count, unanswered_days, unanswered_from = 0, 0, ""
    if messages:
        writer = messages[-1][1]
        answered_until = max((at for at, side in messages if side != writer), default=-math.inf)
        waiting = [at for at, side in messages if side == writer and at > answered_until
                   and now - at >= UNANSWERED_DAYS]
        if waiting:
            unanswered_count, unanswered_days, unanswered_from = (
                len(waiting), math.floor(now - min(waiting)), NAMES[writer])
    answers: dict[str, list[int]] = {}
    for _at, side, going_well in sorted((c for c in history.check_ins if c[0] <= now), reverse=True):
        if len(answers.setdefault(side, [])) < 2:
            answers[side].append(going_well)
    latest = previous = None
    if answers:
        shown = min(answers.values(), key=lambda given: (given[0], given[0] - given[1] if len(given) > 1 else 0))
        latest, previous = shown[0], (shown[1] if len(shown) > 1 else None)
    activity = dict.fromkeys(SIDES, 0)
    for at, side in messages:
        if at >= now - ACTIVITY_DAYS:
            activity[side] += 1
    for meeting in history.meetings:
        if now - ACTIVITY_DAYS <= meeting.booked_at <= now:
            activity[meeting.booked_by] += 1
    total = sum(activity.values())
    busiest = max(SIDES, key=lambda side: activity[side])
    has_agreement = history.agreement_at is not None and history.agreement_at <= now
    waiting_for = tuple(NAMES[side] for side in SIDES if not (side in history.confirmations
                                                              and history.confirmations[side] <= now))
    return MentorshipSignals(
        mentorship_id=mentorship_id, is_paused=False, days_since_start=today, days_since_match=today,
        days_since_meeting=today - max(met) if met else None,
        days_since_message=math.floor(now - messages[-1][0]) if messages else None,
        unanswered_messages=unanswered_count, unanswered_days=unanswered_days, unanswered_from=unanswered_from,
        missed_meetings=sum(1 for m in history.meetings
                            if m.happened is False and not m.cancelled and today - RECENT_DAYS <= m.day <= today),
        check_in_latest=latest, check_in_previous=previous,
        overdue_milestones=sum(1 for set_on, due_on, done_at in history.milestones
                               if set_on <= today and due_on < today and (done_at is None or done_at > now)),
        has_agreement=has_agreement, agreement_unconfirmed=not has_agreement or bool(waiting_for),
        agreement_waiting_for=waiting_for if has_agreement else (),
        activity_count=total, busiest_share=round(activity[busiest] / total, 3) if total else 0.0,
        busiest_name=NAMES[busiest] if total else "",
    )


def no_meeting_in_21_days(signals: MentorshipSignals) -> bool:
    """The simple rule the predictor has to beat."""
    return signals.days_without_meeting >= RULE_DAYS


def predictor(signals: MentorshipSignals) -> bool:
    return assess(signals).is_at_risk


@dataclass(frozen=True)
class Figures:
    flagged: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.flagged if self.flagged else 0.0

    @property
    def recall(self) -> float:
        positives = self.true_positives + self.false_negatives
        return self.true_positives / positives if positives else 0.0


@dataclass(frozen=True)
class BackTest:
    seed: int
    pairs: int
    went_wrong: int
    predictor: Figures
    rule: Figures


def generate(*, pairs: int, seed: int) -> list[History]:
    """`pairs` histories of pairs still open on their snapshot day, reproducible from `seed`."""
    rng = random.Random(seed)
    histories: list[History] = []
    while len(histories) < pairs:
        history = simulate(rng)
        if history is not None:
            histories.append(history)
    return histories


def score(flags: Sequence[bool], outcomes: Sequence[bool]) -> Figures:
    tp = sum(1 for flag, bad in zip(flags, outcomes, strict=True) if flag and bad)
    fp = sum(1 for flag, bad in zip(flags, outcomes, strict=True) if flag and not bad)
    fn = sum(1 for flag, bad in zip(flags, outcomes, strict=True) if not flag and bad)
    return Figures(flagged=tp + fp, true_positives=tp, false_positives=fp, false_negatives=fn)


def back_test(*, pairs: int, seed: int,
              flag: Callable[[MentorshipSignals], bool] = predictor) -> BackTest:
    histories = generate(pairs=pairs, seed=seed)
    signals = [signals_at(history, index) for index, history in enumerate(histories)]
    outcomes = [history.went_wrong for history in histories]
    return BackTest(
        seed=seed, pairs=pairs, went_wrong=sum(outcomes),
        predictor=score([flag(s) for s in signals], outcomes),
        rule=score([no_meeting_in_21_days(s) for s in signals], outcomes),
    )


def _line(name: str, figures: Figures) -> str:
    return (f"  {name:<24} precision {figures.precision:6.1%}  recall {figures.recall:6.1%}  "
            f"(flagged {figures.flagged:>4}: TP {figures.true_positives:>4}, FP {figures.false_positives:>4}, "
            f"FN {figures.false_negatives:>4})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=2000, help="pairs per seed (default 2000)")
    parser.add_argument("--seed", type=int, action="append",
                        help="a seed (repeat for several; default: 1 to 5)")
    args = parser.parse_args(argv)
    seeds = args.seed or [1, 2, 3, 4, 5]
    beaten = True
    for seed in seeds:
        result = back_test(pairs=args.pairs, seed=seed)
        print(f"seed {seed}: {result.pairs} pairs open at the snapshot, {result.went_wrong} "
              f"({result.went_wrong / result.pairs:.0%}) ended early or went dormant in the next {OUTCOME_DAYS} days")
        print(_line(f"predictor (score ≥ {AT_RISK})", result.predictor))
        print(_line("no meeting in 21 days", result.rule))
        beaten &= (result.predictor.precision > result.rule.precision
                   and result.predictor.recall > result.rule.recall)
    print("The predictor beats the rule on precision and recall for every seed." if beaten
          else "The predictor does NOT beat the rule on both for every seed.")
    return 0 if beaten else 1


if __name__ == "__main__":
    raise SystemExit(main())
