"""The words of the demo's histories: goals, session topics, messages, check-in and evaluation comments.

Plain data for `mentora.core.demo_history`; `{mentor}` and `{mentee}` are first names.
"""

from __future__ import annotations

from typing import NamedTuple


class GoalText(NamedTuple):
    title: str
    description: str
    measure: str
    achievable: str
    relevance: str
    milestones: tuple[str, ...]


ONBOARDING_GOALS = [
    GoalText("Feel at home in my team within three months",
             "Know who does what around me, how we work together and where to find things without asking twice.",
             "I can name the ten people I work with most and have had a coffee with each of them.",
             "My buddy introduces me, and I block two half-hours a week for it.",
             "I joined a remote-first team and still feel like a guest.",
             ("Meet five colleagues outside my team", "Join a team ritual and speak up once", "Map who decides what")),
    GoalText("Ship my first piece of work end to end",
             "Take one small piece of real work from the backlog to done, through every review and sign-off.",
             "It is live (or signed off) and I could explain every step to the next new joiner.",
             "My manager picked a small, well-defined task; my buddy explains the process as I go.",
             "Doing real work is the fastest way to learn how things actually run here.",
             ("Pick the task with my manager", "First review passed", "Work is live and shared")),
    GoalText("Understand how Northwind makes decisions",
             "Learn the planning cycle, the budget calendar and which forums decide what.",
             "I can explain the quarterly planning cycle to a colleague in five minutes.",
             "My buddy has sat in most of these forums and will bring me to one as an observer.",
             "I keep finding out about decisions after they are made.",
             ("Read last quarter's planning notes", "Observe one planning forum")),
    GoalText("Build a routine that works across time zones",
             "Find working hours and habits that fit a team spread over three continents.",
             "Two weeks in a row without a meeting outside my agreed hours.",
             "My buddy has worked with the Singapore office for years and knows the tricks.",
             "I am tired from late calls and it shows in my work.",
             ("Agree my core hours with the team", "Move two recurring calls")),
]

CAREER_GOALS = [
    GoalText("Prepare my case for promotion to senior",
             "Gather the evidence that I already work at the next level, and close the gaps that remain.",
             "A written promotion case my manager agrees to take to the next calibration.",
             "My mentor has sat on calibration panels and reviews my drafts; I have two hours a week for it.",
             "Calibration is in the spring and I was told my case was 'not quite there' last time.",
             ("List my evidence against the level guide", "First draft reviewed by my mentor", "Case sent to my manager")),
    GoalText("Present to the leadership team with confidence",
             "Plan, rehearse and give a ten-minute update to the leadership team without reading from notes.",
             "I give the update and get at least one follow-up question about the substance, not the slides.",
             "My mentor runs these meetings and will let me rehearse with her twice.",
             "I am asked to present more often and I freeze in front of senior people.",
             ("Outline the story on one page", "Rehearse with my mentor", "Give the update")),
    GoalText("Move from analysis into product management",
             "Understand what product managers do day to day and build a bridge from my current role.",
             "I have shadowed two product reviews and led one discovery interview.",
             "My mentor moved from data into product three years ago and knows the path.",
             "I want my work to shape what we build, not only report on it.",
             ("Shadow two product reviews", "Lead a discovery interview", "Write a one-page product brief")),
    GoalText("Lead a small team for the first time",
             "Take on two direct reports next quarter and set up how we will work together.",
             "Both reports have a development plan and we hold regular one-to-ones for two months.",
             "My mentor has managed teams for ten years and I have my manager's backing.",
             "My manager offered me the team and I want to start well.",
             ("Read the manager handbook", "First one-to-ones held", "Development plans agreed")),
    GoalText("Use AI assistants well in my daily work",
             "Find three tasks in my week where an AI assistant saves time without risking quality or privacy.",
             "I save two hours a week and can say which checks I run on every answer.",
             "My mentor leads our AI guild and will review my prompts and checks.",
             "The team expects us to use these tools and I do not want to use them badly.",
             ("List the tasks to try", "Try three tasks for two weeks", "Share what worked with my team")),
    GoalText("Negotiate scope with stakeholders",
             "Say no (or 'not yet') to requests without damaging relationships.",
             "I push back on two requests this quarter and both stakeholders stay on side.",
             "My mentor works with the same stakeholders and can role-play them.",
             "I overcommit every quarter and my own work suffers.",
             ("Role-play a difficult conversation", "Push back on one real request")),
]

COMPETENCIES = {
    "onboarding": ["Knowing who to ask", "Confidence in my role", "Understanding how Northwind works"],
    "career": ["Clarity about my next step", "Confidence", "Professional network", "Influencing without authority"],
}

TOPICS = {
    "onboarding": [
        "Team rituals and who to ask about what", "How planning and budgets work here", "Tools, access and the wiki",
        "First project: scope and who reviews it", "Working across time zones", "Feedback from the first month",
        "The unwritten rules of meetings", "Who to meet next and why",
    ],
    "career": [
        "Promotion criteria and my evidence so far", "Stakeholder map for the next quarter",
        "Rehearsing the leadership update", "What product managers actually do", "Saying no without burning bridges",
        "Feedback from my last review", "Delegation and first one-to-ones", "Using AI tools with the right checks",
        "Where I want to be in two years", "Building a network outside my department",
    ],
}

NEXT_STEPS = [
    "Draft the one-pager and share it before our next session", "Book a coffee with two people from the map",
    "Ask my manager for the level guide", "Try the approach in Thursday's meeting", "Write down three wins from this month",
    "Read the article we talked about", "Rehearse the opening twice", "Send the follow-up email",
]

OPENER = "Hi {mentee}, lovely to be paired with you! When would suit you for a first chat?"
OPENER_REPLY = "Hi {mentor}, thank you for taking me on! Tuesday or Wednesday afternoon works well for me."
BEFORE_FROM_MENTOR = [
    "Reminder for us both: we said we'd look at the stakeholder map next time.",
    "No rush on the homework, {mentee}. Bring whatever you have.",
    "Here is the article I mentioned. The second half is the useful bit.",
    "Anything you'd like to put on the agenda for this week?",
]
BEFORE_FROM_MENTEE = [
    "Quick question before our session: is it fine if I bring my manager's feedback to discuss?",
    "Here is the draft. Be honest!",
    "I'd like to talk about the team reorganisation this time, if that's all right.",
    "Looking forward to this week's session.",
]
REPLIES = ["That works, see you then.", "Perfect, thank you!", "Of course — see you soon.", "Great, I'll have a look."]
AFTER_FROM_MENTEE = [
    "Thanks {mentor}, that was really helpful. I'll send the draft by Friday.",
    "I tried what we discussed in the team meeting and it went much better than last time.",
    "Thank you for the introduction to your colleague, we're meeting next week.",
]
AFTER_FROM_MENTOR = [
    "Thanks for today, {mentee}. I enjoyed it — see you in two weeks.",
    "Great progress on the draft — I left a few comments, mostly small.",
    "How did it go on Thursday? I'd love to hear.",
]
# The last words in a pair that is going quiet: one side writes, nobody answers.
UNANSWERED_FROM_MENTEE = [
    "Hi {mentor}, are you still up for meeting this month? I'd love your view on my next step.",
    "Just checking in — shall I book something in your calendar?",
    "No worries if things are busy at the moment. Let me know when you have thirty minutes.",
]
UNANSWERED_FROM_MENTOR = [
    "Hi {mentee}, how did the presentation go?",
    "I haven't heard from you in a while — is everything all right? Happy to adjust how often we meet.",
    "I've kept Thursday afternoon free for us if it helps.",
]
PAUSE_MESSAGE = "I'm off on leave from next week, {mentor}. Thank you for pausing with me — I'll be in touch when I'm back."

CHECK_IN_COMMENTS_GOOD = [
    "Every session gives me something to try the next day.", "We found a good rhythm.",
    "My mentor asks the questions I hadn't thought of.", "Really useful, and I look forward to it.",
]
CHECK_IN_COMMENTS_MIXED = [
    "Useful when we meet, but we have had to move sessions a lot.", "Good conversations, less progress than I hoped.",
]
CHECK_IN_COMMENTS_LOW = [
    "We have not managed to meet for a while.", "I'm not sure we're the right fit for what I need.",
]
FLAGS_FROM_MENTEES = [  # from a pair going quiet, from one that is about to end
    "We haven't met in over a month and my messages go unanswered. Could you check in with my mentor?",
    "Workload in my team makes it hard to keep our sessions, and I'm not sure we're a good fit. Can we talk?",
]
PRIVATE_END_REASONS = [
    "The mentee left Northwind; she asked that her reasons stay private.",
    "The mentor went on long-term sick leave. Both asked not to be rematched in this cohort.",
    "The pair did not click; the mentee raised it privately and we agreed a no-fault end.",
]
PAUSE_REASON = "Parental leave until the new year; we'll pick up where we left off."
PILOT_PAUSE_REASON = "Three weeks of annual leave for both of us."

FEEDBACK_TO_MENTOR = [
    "You always make time, and you never tell me what to do — you help me work it out.",
    "Your introductions opened more doors than any onboarding document.",
    "Thank you for the honest feedback on my draft; it was exactly what I needed.",
]
EVALUATION_COMMENTS = {
    "high": ["Keep the buddy system — it made my first months so much easier.",
             "Pair people across sites again: I learned as much about other offices as about my role.",
             "Every new joiner should get this."],
    "mid": ["Good, but three months went by fast; a longer run would help.",
            "More guidance on what to do in the first session would help."],
    "low": ["It was hard to find time with my buddy; set expectations with managers first.",
            "A check-in from the coordinator after the first month would have helped us."],
}
REVIEW_ANSWERS = ("We kept to the plan and the rehearsal paid off.", "Start earlier next time.",
                  "Take the next milestone one step at a time.")
AGREEMENT = {
    "boundaries": "What we say stays between us unless we both agree to share it. Either of us can pause or end "
                  "this without needing to give a reason.",
    "feedback_how": "Openly, at the end of each session: one thing that helped and one thing to change.",
}
