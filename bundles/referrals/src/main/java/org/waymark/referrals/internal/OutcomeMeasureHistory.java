package org.waymark.referrals.internal;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.measure.MeasureHistory;
import org.waymark.api.security.Caller;

/** The recorded outcome-measure responses, for other capabilities; scope and audit as {@link OutcomeMeasures#history}. */
@Component(service = MeasureHistory.class)
public final class OutcomeMeasureHistory implements MeasureHistory {
    private final OutcomeMeasures measures;

    @Activate
    public OutcomeMeasureHistory(@Reference OutcomeMeasures measures) {
        this.measures = measures;
    }

    @Override
    public List<Recorded> history(Caller caller, String referralId) {
        return measures.history(caller, referralId).stream()
                .map(r -> new Recorded(r.measureId(), r.occasion(), r.answers(), r.recordedAt(), r.referralId())).toList();
    }
}
