"""The demo project `seed_demo` creates: a lead, a reviewer, three annotators, real-looking texts."""

from __future__ import annotations

DEMO_PASSWORD = "accord-demo"  # noqa: S105 - printed for the demo; change it on a real install
DEMO_USERS = [
    ("lead", "lead"),
    ("reviewer", "reviewer"),
    ("annotator1", "annotator"),
    ("annotator2", "annotator"),
    ("annotator3", "annotator"),
]
DEMO_PROJECT = "Demo: support ticket sentiment"
DEMO_SCHEMA = {
    "kind": "single",
    "data": "text",
    "labels": [
        {"value": "positive", "hotkey": "1", "description": "The customer is pleased or thankful."},
        {"value": "negative", "hotkey": "2", "description": "The customer is unhappy or angry."},
        {"value": "neutral", "hotkey": "3", "description": "A plain question or statement."},
        {"value": "mixed", "hotkey": "4", "description": "Both praise and complaint."},
    ],
    "settings": {"overlap": 3, "aggregation": "majority"},
}
DEMO_TEXTS = [
    "Thanks a lot, the replacement arrived a day early and works perfectly.",
    "I have been waiting three weeks for a refund and nobody answers my emails.",
    "Can you tell me whether the blue model fits the 2019 bracket?",
    "The app is great, but it logs me out every single morning.",
    "Your courier left the parcel in the rain. The box was soaked through.",
    "Quick question: do you ship to Norway, and how long does it take?",
    "Brilliant support from Maria, she sorted my account in five minutes.",
    "Honestly the worst checkout I have ever used, it failed four times.",
    "I'd like to change the delivery address on order 44812, please.",
    "Love the new design! Shame the search got slower though.",
    "The charger stopped working after two days. I want my money back.",
    "Received the invoice, all correct. Have a nice weekend.",
    "Is there a student discount for the annual plan?",
    "Good product, terrible packaging: half the screws were missing.",
    "You charged my card twice for the same order. Please fix this today.",
    "Just wanted to say the tutorial videos are really helpful.",
    "My password reset link expires before the email even arrives.",
    "What is the difference between the Basic and the Plus subscription?",
    "Setup took ten minutes and everything synced on the first try. Impressed.",
    "The sizing chart is wrong; the medium fits like an extra small.",
    "Order arrived, thanks. One item is back-ordered, any date for it?",
    "I keep getting error 502 when I upload photos from my phone.",
    "Fantastic value for the price, already recommended it to two friends.",
    "Support closed my ticket without reading it. Again.",
    "Could you send me a copy of the warranty terms?",
    "The headphones sound amazing but the left ear cushion came loose.",
    "Cancelled my subscription months ago and you still bill me.",
    "Is the store open on public holidays?",
    "Delivery was fast and the driver was very polite.",
    "Your chatbot kept sending me in circles, I just need a human.",
    "Please confirm you received the returned item, tracking says delivered.",
    "The update fixed the battery drain. Thank you for listening!",
    "Colours look nothing like the photos, very disappointed.",
    "How do I export my data before I close the account?",
    "Nice idea, poor execution: the lid does not close properly.",
    "I was on hold for 50 minutes and then the call dropped.",
    "Can I pay by bank transfer instead of card?",
    "Everything about this purchase was smooth, from order to delivery.",
    "The manual is only in German; is there an English version?",
    "It works, I guess. Nothing special but nothing wrong either.",
]

# A small named-entity project: made-up sentences, three labels with hotkeys.
DEMO_SPANS_PROJECT = "Demo: names in news snippets"
DEMO_SPANS_SCHEMA = {
    "kind": "spans",
    "data": "text",
    "labels": [
        {"value": "PER", "hotkey": "1", "description": "A person, real or fictional."},
        {"value": "ORG", "hotkey": "2", "description": "A company, team, agency or institution."},
        {"value": "LOC", "hotkey": "3", "description": "A city, country, region or landmark."},
    ],
    "settings": {"overlap": 3, "aggregation": "majority"},
}
DEMO_SPANS_TEXTS = [
    "Marta Ruiz joined Northwind Labs in Lisbon after six years at the Harbor Trust.",
    "The Oslo branch of Bluefin Analytics hired Tomas Berg as its new director.",
    "Priya Natarajan told the Riverside Gazette that the bridge in Utrecht will reopen in May.",
    "Greenleaf Cooperative opened a warehouse near Valencia, said spokesperson Jon Ellery.",
    "After the match in Porto, coach Ada Lindqvist praised the Eastport Rovers defence.",
    "Kenji Mori flew from Osaka to Nairobi to meet engineers from the Tessera Group.",
    "The Alder Institute and city officials in Ghent signed the water agreement on Friday.",
    "Lucia Ferrante, a lawyer at Bright & Vale, grew up in a village outside Turin.",
]

# A small bounding-box project: images drawn at seed time (labeling.demo_images).
DEMO_BOXES_PROJECT = "Demo: shapes in pictures"
DEMO_BOXES_SCHEMA = {
    "kind": "boxes",
    "data": "image",
    "labels": [
        {"value": "circle", "hotkey": "1", "description": "A round shape."},
        {"value": "square", "hotkey": "2", "description": "A shape with four equal sides."},
    ],
    "settings": {"overlap": 3, "aggregation": "majority"},
}
DEMO_BOXES_IMAGES = 6
