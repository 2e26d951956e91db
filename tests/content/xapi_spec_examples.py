"""Example statements from the xAPI 1.0.3 specification (xAPI-Data.md), written out as given.

A client that knows nothing of this app sends these; the LRS must store every one.
"""

SIMPLEST = {
    "id": "12345678-1234-5678-1234-567812345678",
    "actor": {"mbox": "mailto:xapi@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
    "object": {"id": "http://example.adlnet.gov/xapi/example/activity"},
}

COMPLETION = {
    "actor": {"objectType": "Agent", "name": "Example Learner",
              "mbox": "mailto:example.learner@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
    "object": {"id": "http://example.adlnet.gov/xapi/example/simpleCBT",
               "definition": {"name": {"en-US": "simple CBT course"},
                              "description": {"en-US": "A fictitious example CBT course."}}},
    "result": {"score": {"scaled": 0.95}, "success": True, "completion": True,
               "duration": "PT1234S"},
}

LONG = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {
        "name": "Team PB",
        "mbox": "mailto:teampb@example.com",
        "member": [
            {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"},
             "objectType": "Agent"},
            {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
            {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
             "objectType": "Agent"},
        ],
        "objectType": "Group",
    },
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
             "display": {"en-GB": "attended", "en-US": "attended"}},
    "result": {
        "extensions": {"http://example.com/profiles/meetings/resultextensions/minuteslocation":
                       "X:\\meetings\\minutes\\examplemeeting.one"},
        "success": True, "completion": True, "response": "We agreed on some example actions.",
        "duration": "PT1H0M0S",
    },
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities": {
            "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
            "category": [{"id": "http://www.example.com/meetings/categories/teammeeting",
                          "objectType": "Activity",
                          "definition": {"name": {"en": "team meeting"},
                                         "description": {"en": "A category of meeting used for regular team meetings."},
                                         "type": "http://example.com/expapi/activities/meetingcategory"}}],
            "other": [{"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
                      {"id": "http://www.example.com/meetings/occurances/3425567", "objectType": "Activity"}],
        },
        "instructor": {"name": "Andrew Downes",
                       "account": {"homePage": "http://www.example.com", "name": "13936749"},
                       "objectType": "Agent"},
        "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
        "platform": "Example virtual meeting software",
        "language": "tlh",
        "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    },
    "timestamp": "2013-05-18T05:32:34.804+00:00",
    "stored": "2013-05-18T05:32:34.804+00:00",
    "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
                  "objectType": "Agent"},
    "version": "1.0.0",
    "object": {
        "id": "http://www.example.com/meetings/occurances/34534",
        "definition": {
            "extensions": {"http://example.com/profiles/meetings/activitydefinitionextensions/room":
                           {"name": "Kilby", "id": "http://example.com/rooms/342"}},
            "name": {"en-GB": "example meeting", "en-US": "example meeting"},
            "description": {"en-GB": "An example meeting that happened on a specific occasion with certain people present.",
                            "en-US": "An example meeting that happened on a specific occasion with certain people present."},
            "type": "http://adlnet.gov/expapi/activities/meeting",
            "moreInfo": "http://virtualmeeting.example.com/345256",
        },
        "objectType": "Activity",
    },
}

SUBSTATEMENT = {
    "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
    "verb": {"id": "http://example.com/planned", "display": {"en-US": "planned"}},
    "object": {
        "objectType": "SubStatement",
        "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
        "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
        "object": {"id": "http://example.com/website",
                   "definition": {"name": {"en-US": "Some Awesome Website"}}},
    },
}

VOIDING = {
    "actor": {"objectType": "Agent", "name": "Example Admin", "mbox": "mailto:admin@example.adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
    "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
}

AGENT_AS_OBJECT = {  # "the learner was mentored by": an Agent as the object
    "actor": {"objectType": "Agent", "mbox": "mailto:mentor@example.com"},
    "verb": {"id": "http://id.tincanapi.com/verb/mentored", "display": {"en-US": "mentored"}},
    "object": {"objectType": "Agent", "name": "Example Learner",
               "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
}

CHOICE_INTERACTION = {
    "actor": {"mbox": "mailto:learner@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
    "object": {
        "id": "http://www.example.com/tincan/activities/cmi.interaction.choice",
        "definition": {
            "description": {"en-US": "Which of these prototypes are available at the beta site?"},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["golf[,]tetris"],
            "choices": [
                {"id": "golf", "description": {"en-US": "Golf Example"}},
                {"id": "facebook", "description": {"en-US": "Facebook App"}},
                {"id": "tetris", "description": {"en-US": "Tetris Example"}},
                {"id": "scrabble", "description": {"en-US": "Scrabble Example"}},
            ],
        },
    },
    "result": {"response": "golf[,]tetris", "success": True},
}

ANONYMOUS_GROUP = {
    "actor": {"objectType": "Group", "member": [
        {"mbox": "mailto:one@example.com"}, {"mbox": "mailto:two@example.com"}]},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
    "object": {"id": "http://www.example.com/meetings/occurances/34534"},
}

EXAMPLES = {
    "simplest": SIMPLEST, "completion": COMPLETION, "long": LONG, "substatement": SUBSTATEMENT,
    "voiding": VOIDING, "agent_as_object": AGENT_AS_OBJECT, "choice_interaction": CHOICE_INTERACTION,
    "anonymous_group": ANONYMOUS_GROUP,
}
