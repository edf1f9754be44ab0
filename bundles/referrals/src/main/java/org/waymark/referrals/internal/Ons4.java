package org.waymark.referrals.internal;

import java.util.List;
import java.util.Map;
import org.waymark.api.measure.MeasureDefinition;
import org.waymark.api.measure.MeasureDefinition.Item;
import org.waymark.api.measure.MeasureDefinition.Scale;
import org.waymark.api.measure.MeasureDefinition.Scoring;

/**
 * The ONS4 personal wellbeing questions, built in: free to use with attribution to the Office for National Statistics.
 * The four answers are reported separately (never added up), as the ONS asks; for anxiety a lower score is better.
 */
final class Ons4 {
    static final String ID = "ons4";
    static final MeasureDefinition DEFINITION = new MeasureDefinition(ID, "ONS4 personal wellbeing",
            "Personal wellbeing questions (ONS4) from the Office for National Statistics, used under the Open Government "
                    + "Licence v3.0.",
            List.of(new Item("life-satisfaction", "Overall, how satisfied are you with your life nowadays?"),
                    new Item("worthwhile", "Overall, to what extent do you feel that the things you do in your life are worthwhile?"),
                    new Item("happiness", "Overall, how happy did you feel yesterday?"),
                    new Item("anxiety", "Overall, how anxious did you feel yesterday?")),
            new Scale(0, 10, "Not at all", "Completely"), Scoring.ITEMS_SEPARATELY, Map.of(), MeasureDefinition.Licence.FREE);

    private Ons4() {
    }
}
