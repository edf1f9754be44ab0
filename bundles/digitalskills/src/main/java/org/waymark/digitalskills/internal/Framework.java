package org.waymark.digitalskills.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The UK Essential Digital Skills framework as Waymark asks it: the foundation skills and the five skill areas, each
 * with plain-English "I can..." statements that a person answers "yes, on my own", "with some help" or "not yet".
 * The statements are Waymark's own wording of the framework's skills (the framework is published by the Department
 * for Education under the Open Government Licence). Scoring: an area's score is the share of the most it could score
 * (on my own = 2, with help = 1, not yet = 0), from 0 to 100, and its level follows from the score.
 */
final class Framework {
    static final String VERSION = "1.0.0";

    record Statement(String code, String text) {
    }

    record SkillArea(String code, String title, String plain, List<Statement> statements) {
    }

    /** An answer to one statement and its points. */
    enum Answer {
        YES("yes", "Yes, I can do this on my own", 2),
        HELP("help", "I can do this with some help", 1),
        NOT_YET("not-yet", "Not yet", 0);

        final String code;
        final String label;
        final int points;

        Answer(String code, String label, int points) {
            this.code = code;
            this.label = label;
            this.points = points;
        }

        static Optional<Answer> of(String code) {
            for (Answer answer : values()) {
                if (answer.code.equals(code)) {
                    return Optional.of(answer);
                }
            }
            return Optional.empty();
        }
    }

    /** Levels by score: below 40 needs support, below 80 developing, else confident. */
    enum Level {
        NEEDS_SUPPORT("needs-support", "Needs support"),
        DEVELOPING("developing", "Developing"),
        CONFIDENT("confident", "Confident");

        final String code;
        final String label;

        Level(String code, String label) {
            this.code = code;
            this.label = label;
        }

        static Level of(int score) {
            return score < 40 ? NEEDS_SUPPORT : score < 80 ? DEVELOPING : CONFIDENT;
        }

        static Optional<Level> byCode(String code) {
            for (Level level : values()) {
                if (level.code.equals(code)) {
                    return Optional.of(level);
                }
            }
            return Optional.empty();
        }
    }

    static final List<SkillArea> AREAS = List.of(
            new SkillArea("foundation", "Foundation skills", "Getting started with a device", List.of(
                    new Statement("foundation-device", "I can turn on a phone, tablet or computer and use its keyboard or touch screen"),
                    new Statement("foundation-connect", "I can connect to the internet, for example to Wi-Fi at home or in a library"),
                    new Statement("foundation-apps", "I can open an app or a website and find my way around it"),
                    new Statement("foundation-passwords", "I can keep my passwords safe and change them when I need to"))),
            new SkillArea("communicating", "Communicating", "Keeping in touch", List.of(
                    new Statement("communicating-messages", "I can send and reply to emails or messages"),
                    new Statement("communicating-video", "I can make a video call to family or friends"),
                    new Statement("communicating-share", "I can share a photo or a document with someone"))),
            new SkillArea("handling-information", "Handling information and content", "Finding things out", List.of(
                    new Statement("information-search", "I can search the internet and find what I need"),
                    new Statement("information-trust", "I can tell whether a website is likely to be trustworthy"),
                    new Statement("information-files", "I can save, find and sort my files or photos"))),
            new SkillArea("transacting", "Transacting", "Getting things done online", List.of(
                    new Statement("transacting-forms", "I can fill in a form online, such as one from the council"),
                    new Statement("transacting-pay", "I can buy something or pay a bill online"),
                    new Statement("transacting-nhs", "I can use the NHS App or my GP's website, for example to order a repeat prescription"))),
            new SkillArea("problem-solving", "Problem solving", "Sorting things out", List.of(
                    new Statement("problem-help", "I can find help online when something does not work, such as a how-to video"),
                    new Statement("problem-everyday", "I can use the internet for everyday things, such as bus times or the weather"))),
            new SkillArea("safe-legal", "Being safe and legal online", "Staying safe", List.of(
                    new Statement("safe-scams", "I can spot a scam email, text message or phone call"),
                    new Statement("safe-device", "I can keep my device safe, for example with a screen lock and updates"),
                    new Statement("safe-sharing", "I know what I should not share about myself online"))));

    private Framework() {
    }

    static Optional<SkillArea> area(String code) {
        return AREAS.stream().filter(a -> a.code().equals(code)).findFirst();
    }

    /** A skill area's result. */
    record AreaScore(String area, int score, Level level) {
    }

    /**
     * Scores a complete set of answers: every statement must be answered with a known answer.
     *
     * @param answers statement code to answer code
     * @return the score of each area, in the framework's order
     * @throws IllegalArgumentException naming the first statement without a valid answer, or an unknown statement
     */
    static List<AreaScore> score(Map<String, String> answers) {
        Map<String, String> remaining = new LinkedHashMap<>(answers);
        List<AreaScore> scores = AREAS.stream().map(area -> {
            int points = 0;
            for (Statement statement : area.statements()) {
                String given = remaining.remove(statement.code());
                Answer answer = Answer.of(given).orElseThrow(() -> new IllegalArgumentException(
                        "Answer \"" + statement.text() + "\" with yes, help or not-yet"));
                points += answer.points;
            }
            int score = Math.round(points * 100f / (area.statements().size() * 2));
            return new AreaScore(area.code(), score, Level.of(score));
        }).toList();
        if (!remaining.isEmpty()) {
            throw new IllegalArgumentException("Unknown statement: " + remaining.keySet().iterator().next());
        }
        return scores;
    }

    /** The overall score: the mean of the areas' scores, rounded. */
    static int overall(List<AreaScore> scores) {
        return Math.round((float) scores.stream().mapToInt(AreaScore::score).sum() / scores.size());
    }
}
