package dev.hearth.engine.tinymodel;

/** The text the built-in tiny vocabulary is learned from: plain English prose, some code and numbers. */
final class TrainingText {

    private TrainingText() {}

    static final String ENGLISH = """
            The hearth was the centre of the house. In the evening the family sat around the fire and told
            stories of the day: who had walked to the market, what the weather had done to the fields, which
            of the neighbours had come to visit. The children listened, and the old dog slept by the warm
            stones. When the fire burned low, someone stood up to fetch more wood, and the light came back.

            A language model reads text as tokens. Each token is a piece of a word, a whole word, a number or
            a mark of punctuation. The model turns the tokens into vectors, mixes them with attention, and
            predicts the next token, one at a time, until it writes an end token or reaches the limit.
            This is how the assistant answers a question: it reads the conversation and then it writes.

            User: What is the capital of France?
            Assistant: The capital of France is Paris.
            User: How many days are there in a week?
            Assistant: There are 7 days in a week, and 52 weeks in a year, which has 365 or 366 days.

            def add(a, b):
                return a + b

            for (int i = 0; i < 10; i++) { total += values[i]; }

            Hello, world! Hello there. It's a fine day, isn't it? We'll see what they've done; I'd say
            they're right. Numbers: 1, 2, 3, 10, 42, 100, 2024, 3.14159. Questions, answers, and more
            questions: the more we ask, the more we learn, and the more we learn, the better we answer.
            """;
}
