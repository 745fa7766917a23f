"""The built-in skills taxonomy: workplace skills by category, loaded by a data migration."""

from __future__ import annotations

BUILT_IN_SKILLS: dict[str, list[str]] = {
    "Leadership & management": [
        "People management", "Leading remote teams", "Leading hybrid teams", "Delegation",
        "Coaching others", "Giving feedback", "Receiving feedback", "Performance reviews",
        "Hiring and interviewing", "Onboarding new hires", "Building team culture",
        "Change management", "Conflict resolution", "Decision making", "Strategic thinking",
        "Setting goals and OKRs", "Managing managers", "First-time management",
        "Executive presence", "Leading through uncertainty", "Succession planning",
        "Motivating teams", "Running effective meetings", "Cross-functional leadership",
        "Organisational design",
    ],
    "Communication": [
        "Public speaking", "Presentation skills", "Storytelling", "Business writing",
        "Technical writing", "Active listening", "Difficult conversations", "Negotiation",
        "Influencing without authority", "Stakeholder management", "Facilitation",
        "Asynchronous communication", "Email etiquette", "Communicating with executives",
        "Cross-cultural communication", "Written documentation", "Persuasion",
        "Running workshops", "Media training", "Internal communications",
    ],
    "Career development": [
        "Career planning", "Personal branding", "Networking", "Building a portfolio",
        "Promotion readiness", "Changing careers", "Returning to work after leave",
        "Work-life balance", "Time management", "Prioritisation", "Productivity",
        "Resilience", "Managing stress", "Confidence building", "Imposter syndrome",
        "Self-advocacy", "Learning how to learn", "Goal setting", "Job crafting",
        "Navigating organisational politics",
    ],
    "Inclusion & wellbeing": [
        "Inclusive leadership", "Unconscious bias awareness", "Allyship",
        "Cultural sensitivity", "Psychological safety", "Accessibility awareness",
        "Neurodiversity awareness", "Mental health first aid", "Empathy",
        "Intergenerational collaboration", "Supporting caregivers", "Wellbeing at work",
    ],
    "AI & new technology": [
        "Generative AI literacy", "Prompt engineering", "Using AI assistants at work",
        "Responsible AI", "AI ethics", "AI governance", "Machine learning fundamentals",
        "Deep learning", "Natural language processing", "Computer vision",
        "Large language model applications", "Retrieval-augmented generation",
        "AI product management", "MLOps", "Model evaluation", "Data labelling",
        "AI-assisted coding", "Automation and RPA", "Low-code / no-code tools",
        "Chatbot design", "AI in customer service", "AI for marketing", "AI for HR",
        "AI risk management", "Computer-use agents", "Vector databases",
        "Fine-tuning models", "AI regulation (EU AI Act)", "Quantum computing basics",
        "Blockchain basics", "Internet of Things", "Augmented and virtual reality",
        "Robotics", "Edge computing", "Digital twins",
    ],
    "Data & analytics": [
        "Data analysis", "Data visualisation", "SQL", "Spreadsheet modelling", "Excel",
        "Statistics", "A/B testing", "Business intelligence", "Power BI", "Tableau",
        "Data engineering", "Data governance", "Data privacy", "Data storytelling",
        "Forecasting", "Python for data", "R programming", "Experiment design",
        "Dashboards", "Metrics and KPIs",
    ],
    "Software & engineering": [
        "Python", "JavaScript", "TypeScript", "Java", "C#", "Go", "Rust", "C++", "Kotlin",
        "Swift", "PHP", "Ruby", "Web development", "Front-end development",
        "Back-end development", "Mobile development", "API design", "System design",
        "Software architecture", "Microservices", "Databases", "PostgreSQL",
        "Testing and QA", "Test automation", "Code review", "Refactoring",
        "Debugging", "Performance engineering", "DevOps", "CI/CD", "Git",
        "Cloud computing", "AWS", "Azure", "Google Cloud", "Kubernetes", "Docker",
        "Infrastructure as code", "Site reliability engineering", "Observability",
        "Open source contribution", "Technical leadership", "Engineering management",
        "Accessibility engineering", "Security engineering",
    ],
    "Security & risk": [
        "Cybersecurity fundamentals", "Threat modelling", "Secure coding",
        "Identity and access management", "Incident response", "Risk management",
        "Compliance", "GDPR", "ISO 27001", "Business continuity", "Fraud prevention",
        "Internal audit",
    ],
    "Product & design": [
        "Product management", "Product discovery", "Roadmapping", "User research",
        "UX design", "UI design", "Service design", "Design thinking", "Prototyping",
        "Figma", "Content design", "Information architecture", "Usability testing",
        "Product analytics", "Pricing strategy", "Go-to-market", "Product marketing",
    ],
    "Project & operations": [
        "Project management", "Agile methods", "Scrum", "Kanban", "Programme management",
        "Risk and issue management", "Budgeting", "Resource planning", "Process improvement",
        "Lean", "Six Sigma", "Operations management", "Supply chain", "Procurement",
        "Vendor management", "Quality management", "Logistics", "Facilities management",
    ],
    "Business & finance": [
        "Business strategy", "Financial literacy", "Financial modelling", "Accounting",
        "Corporate finance", "Business case writing", "Commercial awareness",
        "Mergers and acquisitions", "Investor relations", "Economics", "Entrepreneurship",
        "Innovation management", "Sustainability and ESG", "Tax", "Treasury",
    ],
    "Sales, marketing & customers": [
        "Sales", "Account management", "Business development", "Key account management",
        "Customer success", "Customer service", "Digital marketing", "Content marketing",
        "SEO", "Social media", "Brand management", "Marketing analytics",
        "Event management", "Partnerships", "CRM", "Public relations", "Copywriting",
    ],
    "People & HR": [
        "Talent acquisition", "Learning and development", "Employee engagement",
        "Compensation and benefits", "Employment law", "HR business partnering",
        "Workforce planning", "Diversity, equity and inclusion programmes",
        "Mentoring programme design", "Employer branding", "Organisational development",
    ],
    "Legal & public sector": [
        "Contract law", "Contract negotiation", "Intellectual property", "Policy writing",
        "Public administration", "Regulatory affairs", "Ethics and integrity",
    ],
    "Languages": [
        "English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch",
        "Mandarin Chinese", "Japanese", "Hindi", "Arabic", "Polish", "Sign language",
    ],
}


def built_in_skill_count() -> int:
    """Return how many skills the built-in taxonomy holds.

    >>> built_in_skill_count() > 250
    True
    """
    return sum(len(skills) for skills in BUILT_IN_SKILLS.values())
