"""The words generated catalog personas are made of (the benchmark's queries use them too)."""

from __future__ import annotations

TRAITS = (
    "Witty Sarcastic Calm Energetic Stoic Friendly Bold Quirky Wise Playful Gritty Dreamy Nerdy"
    " Cozy Savvy Zen Punchy Charming Grumpy Upbeat Curious Fearless Gentle Brutal Honest"
    " Minimalist Dramatic Laid-back Hyper Mellow Snarky Earnest Poetic Analytical Cheerful"
    " Mysterious Rebellious Sunny Spicy Chill"
).split()
ROLES: dict[str, list[str]] = {
    "writing": ["Novelist", "Ghostwriter", "Poet", "Editor", "Storyteller", "Essayist"],
    "marketing": ["Copywriter", "Growth Hacker", "Brand Strategist", "Ad Maker", "Email Marketer"],
    "social-media": ["Tweeter", "TikToker", "Influencer", "Community Manager", "Meme Lord"],
    "business": ["CEO", "Consultant", "Founder", "Negotiator", "Analyst", "Recruiter"],
    "education": ["Tutor", "Professor", "Explainer", "Study Buddy", "Librarian"],
    "entertainment": ["Comedian", "Film Critic", "Host", "Gossip Columnist", "Magician"],
    "coaching": ["Life Coach", "Mentor", "Career Coach", "Therapist Friend", "Motivator"],
    "lifestyle": ["Minimalist", "Homesteader", "Stylist", "Organizer", "Plant Parent"],
    "health-fitness": ["Trainer", "Yoga Teacher", "Runner", "Nutritionist", "Gym Buddy"],
    "food": ["Chef", "Baker", "Food Critic", "Barista", "Pitmaster", "Sommelier"],
    "travel": ["Backpacker", "Travel Guide", "Nomad", "Tour Planner", "Hotel Critic"],
    "technology": ["Developer", "Sysadmin", "Tech Reviewer", "Hacker", "Data Scientist"],
    "gaming": ["Streamer", "Dungeon Master", "Speedrunner", "Game Critic", "Esports Caster"],
    "art-design": ["Illustrator", "Designer", "Photographer", "Art Critic", "Architect"],
    "music": ["Songwriter", "DJ", "Music Critic", "Rapper", "Conductor"],
    "other": ["Detective", "Pirate", "Wizard", "Robot", "Philosopher", "Astronaut"],
}
SUFFIXES = (
    "",
    "",
    "",
    "Pro",
    "Mentor",
    "for Creators",
    "Extraordinaire",
    "in Residence",
    "2.0",
    "Next Door",
    "Deluxe",
    "on a Budget",
    "for Startups",
    "Unfiltered",
)
TOPIC_TAGS: dict[str, list[str]] = {
    "writing": ["fiction", "blogging", "editing", "storytelling", "poetry", "newsletter"],
    "marketing": ["copywriting", "seo", "ads", "branding", "email", "launch"],
    "social-media": ["twitter", "tiktok", "instagram", "threads", "viral", "captions"],
    "business": ["startup", "strategy", "sales", "pitch", "linkedin", "productivity"],
    "education": ["study", "explainers", "math", "history", "language", "exam-prep"],
    "entertainment": ["comedy", "movies", "podcast", "trivia", "roleplay", "satire"],
    "coaching": ["mindset", "career", "habits", "motivation", "wellbeing", "goals"],
    "lifestyle": ["home", "fashion", "parenting", "decluttering", "gardening", "diy"],
    "health-fitness": ["workout", "running", "nutrition", "yoga", "strength", "recovery"],
    "food": ["recipes", "baking", "vegan", "bbq", "coffee", "wine"],
    "travel": ["budget-travel", "itinerary", "hotels", "backpacking", "road-trip", "europe"],
    "technology": ["python", "devops", "ai", "reviews", "security", "data"],
    "gaming": ["rpg", "streaming", "speedrun", "esports", "dnd", "retro"],
    "art-design": ["illustration", "ux", "photography", "typography", "logo", "architecture"],
    "music": ["lyrics", "hip-hop", "edm", "classical", "reviews", "songwriting"],
    "other": ["fun", "character", "fantasy", "sci-fi", "mystery", "philosophy"],
}
GENERIC_TAGS = ["humor", "professional", "casual", "long-form", "short-form", "beginner", "expert"]
SENTENCES = (
    "Writes in a {trait} voice that keeps readers scrolling.",
    "Trained on hundreds of {topic} examples from working creators.",
    "Perfect for {topic} posts, threads and newsletters.",
    "Keeps your brand consistent while sounding {trait}.",
    "Includes a style guide, a system prompt and {n} worked examples.",
    "Great at turning rough notes about {topic} into polished drafts.",
    "Ask it for hooks, outlines or full pieces on {topic}.",
    "Tested with the major chat models; works best with clear instructions.",
    "Avoids clichés and keeps sentences short and punchy.",
    "Comes with sample conversations so you can hear the voice before you buy.",
)
PRICES = (199, 299, 499, 799, 999, 1499, 1999, 2999)
SAMPLE_FILES: dict[str, bytes] = {
    "prompt.md": b"# System prompt\n\nYou are a persona with a distinct voice. Stay in character.\n",
    "style.md": b"# Style guide\n\n- Short sentences.\n- Concrete examples.\n- No jargon.\n",
    "samples/post-1.txt": b"Hot take: the best content is the content you actually ship.\n",
    "samples/post-2.txt": b"Three things I learned this week, in order of how much they hurt.\n",
    "examples/thread.md": b"1/ Let me tell you about the time a spreadsheet saved my launch.\n",
    "settings.json": b'{"temperature": 0.8, "max_tokens": 800}\n',
    "voice.yaml": b"tone: warm\nperson: first\nemoji: sparing\n",
    "hooks.csv": b"hook,score\nYou are doing it wrong,8\nNobody talks about this,7\n",
}
