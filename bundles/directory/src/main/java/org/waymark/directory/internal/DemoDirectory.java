package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invented community services in the two pathfinder areas (Sheffield and Islington), loaded with the demo data into
 * an empty directory. Names, phone numbers (Ofcom's drama ranges) and addresses are fictional; places sit near real
 * district centres so that distance search behaves as it would.
 */
@Component(immediate = true, configurationPid = "org.waymark.platform", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DemoDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DemoDirectory.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String TAXONOMY = "Waymark social prescribing needs";

    @interface Config {
        boolean demo() default false;
    }

    record Org(String key, String name, String description, String area) {
    }

    record Place(String name, String street, String postcode, double latitude, double longitude) {
    }

    record Svc(String org, String name, String description, List<String> terms, Integer minAge, Integer maxAge,
               String byday, String opens, String closes, Place place, boolean free) {
    }

    static final Map<String, String> TERMS = Map.ofEntries(
            Map.entry("activity", "Physical activity"), Map.entry("social", "Social connection"),
            Map.entry("money", "Money and debt advice"), Map.entry("digital", "Digital skills"),
            Map.entry("mental", "Mental wellbeing"), Map.entry("arts", "Arts and creativity"),
            Map.entry("volunteering", "Volunteering"), Map.entry("food", "Food and cooking"),
            Map.entry("housing", "Housing and home"), Map.entry("carers", "Carers support"),
            Map.entry("work", "Employment and learning"), Map.entry("nature", "Nature and gardening"));

    static final List<Org> ORGS = List.of(
            new Org("sheff-vcs", "Sheffield Community Links", "A made-up umbrella charity running groups across Sheffield.", "sheffield"),
            new Org("steel-valley", "Steel Valley Wellbeing Trust", "An invented trust for health and wellbeing in north Sheffield.", "sheffield"),
            new Org("peak-edge", "Peak Edge Walkers", "A fictional volunteer walking club on the west side of Sheffield.", "sheffield"),
            new Org("sheff-advice", "South Yorkshire Money Help", "An invented free advice service for money, debt and benefits.", "sheffield"),
            new Org("isl-together", "Islington Together", "A made-up neighbourhood charity for people in Islington.", "islington"),
            new Org("holloway-hub", "Holloway Hub", "A fictional community centre in Holloway.", "islington"),
            new Org("angel-arts", "Angel Arts Collective", "An invented arts charity running open sessions near the Angel.", "islington"));

    private static Place s(String name, String street, String postcode, double lat, double lon) {
        return new Place(name, street, postcode, lat, lon);
    }

    static final List<Svc> SERVICES = List.of(
            new Svc("peak-edge", "Gentle Walks in Endcliffe Park", "A slow, friendly hour-long walk on flat paths for people getting back to exercise. Walk leaders stay at the back so nobody is left behind.", List.of("activity", "nature", "social"), 18, null, "TU", "10:00", "11:00", s("Endcliffe Park cafe", "1 Rustlings Road", "S11 7AB", 53.3662, -1.5018), true),
            new Svc("peak-edge", "Crookes Health Walk", "Weekly walk around Crookes and Bole Hills with a cup of tea afterwards.", List.of("activity", "social"), 18, null, "TH", "10:30", "11:30", s("Crookes Library", "147 Crookes", "S10 1UB", 53.3852, -1.5222), true),
            new Svc("peak-edge", "Hillsborough Park Striders", "Brisk walking group for people who want to build up stamina; routes of 3 to 5 miles.", List.of("activity"), 18, null, "SA", "09:30", "11:00", s("Hillsborough Park gates", "Middlewood Road", "S6 4HN", 53.4042, -1.5011), true),
            new Svc("sheff-vcs", "Walkley Lunch Club", "Two-course hot lunch and company for older people, with transport for those who need it.", List.of("social", "food"), 60, null, "WE", "12:00", "14:00", s("Walkley Community Centre", "7a Fir Street", "S6 3TF", 53.3926, -1.4964), false),
            new Svc("sheff-vcs", "Heeley Friendship Cafe", "A drop-in cafe for anyone feeling lonely or isolated. Board games, tea and a warm welcome.", List.of("social", "mental"), 18, null, "MO,FR", "13:00", "15:30", s("Heeley Institute", "147 Gleadless Road", "S2 3AE", 53.3655, -1.4648), true),
            new Svc("sheff-vcs", "Sharrow Digital Drop-in", "Help with phones, tablets and the NHS App, one to one with a volunteer. Bring your own device or borrow one.", List.of("digital"), 16, null, "TU,TH", "10:00", "12:00", s("Sharrow Community Forum", "39 Sharrow Lane", "S11 8AE", 53.3670, -1.4820), true),
            new Svc("sheff-vcs", "Get Online at Firth Park", "Beginners' computer course over six weeks: email, video calls, online shopping and staying safe online.", List.of("digital", "work"), 18, null, "WE", "10:00", "12:00", s("Firth Park Library", "443 Firth Park Road", "S5 6QQ", 53.4205, -1.4540), true),
            new Svc("sheff-advice", "Debt and Benefits Advice Sessions", "Free, confidential appointments with a money adviser: debts, benefit claims, bills and budgeting.", List.of("money"), 18, null, "MO,WE,FR", "09:30", "16:30", s("Central Advice Centre", "12 Campo Lane", "S1 2EF", 53.3830, -1.4720), true),
            new Svc("sheff-advice", "Energy Bill Help Line Surgery", "Help with heating bills, grants and warm home discounts, face to face.", List.of("money", "housing"), 18, null, "TU", "13:00", "16:00", s("Darnall Wellbeing", "2 Acres Hill Lane", "S9 4LR", 53.3880, -1.4150), true),
            new Svc("steel-valley", "Parson Cross Men's Shed", "A workshop where men (and anyone else) make, mend and chat. Tools and materials provided.", List.of("social", "mental"), 18, null, "TU,TH", "10:00", "15:00", s("Parson Cross Shed", "60 Margetson Crescent", "S5 9ND", 53.4262, -1.4711), false),
            new Svc("steel-valley", "Chair-based Exercise for Over 60s", "Seated exercise to music to improve strength and balance. Suitable after a fall.", List.of("activity"), 60, null, "MO", "11:00", "12:00", s("Southey Green Community Centre", "Moonshine Lane", "S5 8RH", 53.4200, -1.4790), false),
            new Svc("steel-valley", "Wellbeing Allotment Group", "Grow vegetables with others on a shared allotment; no experience needed, gardening tools lent.", List.of("nature", "mental", "social"), 16, null, "WE,SA", "10:00", "13:00", s("Shirecliffe Allotments", "Shirecliffe Lane", "S3 9JD", 53.4020, -1.4700), true),
            new Svc("steel-valley", "Carers' Coffee Morning", "An informal morning for unpaid carers to meet, share tips and hear from support services.", List.of("carers", "social"), 18, null, "FR", "10:00", "12:00", s("Burngreave Vestry Hall", "Burngreave Road", "S4 7AA", 53.3990, -1.4560), true),
            new Svc("sheff-vcs", "Young Adults' Volunteering Taster", "Try volunteering in a charity shop, a food bank or a park for a few hours a week, with a mentor.", List.of("volunteering", "work", "mental"), 16, 25, "TH", "13:00", "16:00", s("Voluntary Action Hub", "The Circle, Rockingham Lane", "S1 4FW", 53.3780, -1.4760), true),
            new Svc("sheff-vcs", "Cook and Eat Together", "Learn to cook cheap, healthy meals in a group and eat together at the end.", List.of("food", "social"), 18, null, "WE", "17:30", "19:30", s("Gleadless Valley Hub", "Blackstock Road", "S14 1HH", 53.3470, -1.4450), false),
            new Svc("sheff-vcs", "Creative Writing Circle", "A friendly group writing poems and short stories; all abilities welcome.", List.of("arts", "mental"), 18, null, "MO", "18:00", "20:00", s("Broomhill Library", "Taptonville Road", "S10 5BR", 53.3797, -1.5004), true),
            new Svc("sheff-vcs", "Community Choir: Sing for Your Lungs", "Singing for people with COPD and other breathing conditions; breathing exercises and songs.", List.of("arts", "activity"), 18, null, "TH", "14:00", "15:30", s("Nether Edge Chapel", "Montgomery Road", "S7 1LR", 53.3556, -1.4920), false),
            new Svc("sheff-advice", "Housing Options Advice", "Advice if you are worried about losing your home, repairs or moving somewhere more suitable.", List.of("housing", "money"), 18, null, "TU,TH", "09:30", "12:30", s("Woodseats Library", "Chesterfield Road", "S8 0SH", 53.3380, -1.4750), true),
            new Svc("steel-valley", "Back to Work Club", "Job search, CVs and interview practice with a coach, plus free computer access.", List.of("work", "digital"), 18, 66, "MO,WE", "10:00", "13:00", s("Handsworth Hub", "Handsworth Road", "S13 9BZ", 53.3700, -1.3880), true),
            new Svc("isl-together", "Highbury Fields Health Walk", "A gentle 45-minute walk round Highbury Fields, followed by tea. Walk leaders trained in first aid.", List.of("activity", "nature", "social"), 18, null, "WE", "10:00", "11:00", s("Highbury Fields", "Highbury Crescent", "N5 1RR", 51.5500, -0.1010), true),
            new Svc("isl-together", "Caledonian Park Nature Volunteers", "Help look after a clock tower park: planting, litter picking and wildlife surveys.", List.of("nature", "volunteering"), 16, null, "SA", "10:00", "13:00", s("Caledonian Park", "Market Road", "N7 9PL", 51.5450, -0.1200), true),
            new Svc("holloway-hub", "Holloway Lunch and Chat", "Hot lunch and conversation for older neighbours every week, in a step-free hall.", List.of("social", "food"), 60, null, "TU,TH", "12:00", "14:00", s("Holloway Hub", "410 Holloway Road", "N7 6PA", 51.5560, -0.1170), false),
            new Svc("holloway-hub", "Digital Buddies", "One-to-one help with smartphones, video calls, online forms and the NHS App from a volunteer buddy.", List.of("digital"), 16, null, "MO,WE", "14:00", "16:00", s("Holloway Hub", "410 Holloway Road", "N7 6PA", 51.5560, -0.1170), true),
            new Svc("holloway-hub", "Money Advice Drop-in", "Free help with debts, universal credit, council tax and energy bills.", List.of("money"), 18, null, "TH", "10:00", "13:00", s("Archway Library", "Hamlyn House, Highgate Hill", "N19 5PH", 51.5670, -0.1350), true),
            new Svc("holloway-hub", "Young People's Wellbeing Group", "Peer support for 16 to 25 year olds dealing with anxiety, stress or low mood, run by youth workers.", List.of("mental", "social"), 16, 25, "TU", "17:00", "19:00", s("Holloway Hub", "410 Holloway Road", "N7 6PA", 51.5560, -0.1170), true),
            new Svc("isl-together", "Finsbury Park Run and Walk", "A beginners' couch-to-5k style group: walk, jog, chat, at your own pace.", List.of("activity"), 16, null, "SA", "09:00", "10:00", s("Finsbury Park athletics track", "Endymion Road", "N4 2NQ", 51.5680, -0.1040), true),
            new Svc("isl-together", "Canonbury Carers' Group", "Monthly meeting and workshops for family carers, with respite care available on request.", List.of("carers"), 18, null, "1MO", "18:30", "20:30", s("Canonbury Community Centre", "Canonbury Road", "N1 2UT", 51.5440, -0.1010), true),
            new Svc("angel-arts", "Open Art Studio", "Drop-in painting and drawing with materials provided; no experience needed.", List.of("arts", "mental", "social"), 18, null, "WE,FR", "13:00", "16:00", s("Angel Arts Studio", "22 Chapel Market", "N1 9EZ", 51.5340, -0.1090), false),
            new Svc("angel-arts", "Clerkenwell Community Choir", "A no-audition choir singing pop and folk songs; a friendly way to meet people.", List.of("arts", "social"), 16, null, "TH", "19:00", "20:30", s("St James Church Hall", "Clerkenwell Close", "EC1R 0EA", 51.5240, -0.1060), false),
            new Svc("angel-arts", "Photography Walks", "Explore Islington with a camera or phone and learn to take better photos, while getting some exercise.", List.of("arts", "activity", "digital"), 16, null, "SU", "11:00", "13:00", s("Angel station", "Islington High Street", "N1 8XB", 51.5322, -0.1058), true),
            new Svc("isl-together", "Community Kitchen Islington", "Cook a meal together from surplus food and take home a bag of groceries.", List.of("food", "money", "social"), 18, null, "MO", "11:00", "14:00", s("Old Street Community Room", "Central Street", "EC1V 8AB", 51.5270, -0.0960), true),
            new Svc("isl-together", "Volunteer Befriending", "A volunteer visits or phones you every week for a chat. For people who feel lonely or rarely go out.", List.of("social", "mental", "volunteering"), 18, null, "MO,TU,WE,TH,FR", "09:00", "17:00", s("Islington Together office", "9 Upper Street", "N1 0PQ", 51.5370, -0.1030), true),
            new Svc("holloway-hub", "English Conversation Club", "Practise spoken English in a relaxed group and learn about local services.", List.of("work", "social"), 16, null, "FR", "10:00", "12:00", s("Holloway Hub", "410 Holloway Road", "N7 6PA", 51.5560, -0.1170), true),
            new Svc("isl-together", "Tenants' Repairs Surgery", "Help getting repairs done, damp and mould reported and housing letters answered.", List.of("housing"), 18, null, "WE", "14:00", "17:00", s("Highbury Quadrant Centre", "Highbury New Park", "N5 2DP", 51.5560, -0.0900), true));

    @Activate
    public DemoDirectory(Config config, @Reference Directory directory) {
        if (!config.demo() || directory.catalog().count(Kind.SERVICE) > 0) {
            return;
        }
        Directory.ImportReport report = directory.apply(batch(), "system:demo", "demo data");
        if (!report.applied()) {
            throw new IllegalStateException("The demo directory does not import: " + report.errors());
        }
        LOG.info("{} demo directory services loaded", SERVICES.size());
    }

    static UUID uuid(String key) {
        return UUID.nameUUIDFromBytes(("waymark-demo-directory:" + key).getBytes(StandardCharsets.UTF_8));
    }

    static ImportBatch batch() {
        ImportBatch batch = new ImportBatch();
        ObjectNode taxonomy = record("taxonomy");
        taxonomy.put("name", TAXONOMY);
        taxonomy.put("description", "Needs that link workers most often refer people for (invented for the demo).");
        taxonomy.put("version", "1");
        batch.add(Kind.TAXONOMY, taxonomy, "demo");
        TERMS.forEach((key, name) -> {
            ObjectNode term = record("term:" + key);
            term.put("name", name);
            term.put("description", name + " groups and services");
            term.put("taxonomy", TAXONOMY);
            term.put("taxonomy_id", Catalog.id(taxonomy));
            batch.add(Kind.TAXONOMY_TERM, term, "demo");
        });
        for (Org org : ORGS) {
            ObjectNode record = record("org:" + org.key());
            record.put("name", org.name());
            record.put("description", org.description());
            record.put("email", "hello@" + org.key() + ".example.org");
            record.put("website", "https://" + org.key() + ".example.org");
            batch.add(Kind.ORGANIZATION, record, "demo");
        }
        int n = 0;
        for (Svc svc : SERVICES) {
            n++;
            String key = "svc:" + n;
            Org org = ORGS.stream().filter(o -> o.key().equals(svc.org())).findFirst().orElseThrow();
            boolean sheffield = org.area().equals("sheffield");
            ObjectNode service = record(key);
            service.put("organization_id", uuid("org:" + svc.org()).toString());
            service.put("name", svc.name());
            service.put("description", svc.description());
            service.put("url", "https://" + svc.org() + ".example.org/services/" + n);
            service.put("email", "groups@" + svc.org() + ".example.org");
            service.put("status", "active");
            service.put("fees", svc.free() ? "Free" : "Small charge, see cost options");
            if (svc.minAge() != null) {
                service.put("minimum_age", svc.minAge());
            }
            if (svc.maxAge() != null) {
                service.put("maximum_age", svc.maxAge());
            }
            service.put("last_modified", "2026-11-01T09:00:00Z");
            batch.add(Kind.SERVICE, service, "demo");

            ObjectNode location = record("loc:" + svc.place().name());
            location.put("location_type", "physical");
            location.put("name", svc.place().name());
            location.put("latitude", svc.place().latitude());
            location.put("longitude", svc.place().longitude());
            batch.add(Kind.LOCATION, location, "demo");
            ObjectNode address = record("addr:" + svc.place().name());
            address.put("location_id", Catalog.id(location));
            address.put("address_1", svc.place().street());
            address.put("city", sheffield ? "Sheffield" : "London");
            address.put("state_province", sheffield ? "South Yorkshire" : "Greater London");
            address.put("postal_code", svc.place().postcode());
            address.put("country", "GB");
            address.put("address_type", "physical");
            batch.add(Kind.ADDRESS, address, "demo");

            ObjectNode sal = record("sal:" + n);
            sal.put("service_id", Catalog.id(service));
            sal.put("location_id", Catalog.id(location));
            batch.add(Kind.SERVICE_AT_LOCATION, sal, "demo");

            ObjectNode schedule = record("schedule:" + n);
            schedule.put("service_id", Catalog.id(service));
            schedule.put("freq", svc.byday().startsWith("1") ? "MONTHLY" : "WEEKLY");
            schedule.put("interval", 1);
            schedule.put("byday", svc.byday());
            schedule.put("opens_at", svc.opens() + ":00");
            schedule.put("closes_at", svc.closes() + ":00");
            schedule.put("description", describe(svc));
            batch.add(Kind.SCHEDULE, schedule, "demo");

            ObjectNode contact = record("contact:" + n);
            contact.put("service_id", Catalog.id(service));
            contact.put("name", "Group organiser");
            contact.put("title", "Organiser");
            batch.add(Kind.CONTACT, contact, "demo");
            ObjectNode phone = record("phone:" + n);
            phone.put("contact_id", Catalog.id(contact));
            phone.put("number", sheffield ? String.format("0114 496 %04d", n) : String.format("020 7946 %04d", n));
            batch.add(Kind.PHONE, phone, "demo");

            ObjectNode cost = record("cost:" + n);
            cost.put("service_id", Catalog.id(service));
            cost.put("option", svc.free() ? "Free" : "Per session");
            cost.put("amount", svc.free() ? 0 : 2);
            cost.put("amount_description", svc.free() ? "No charge" : "£2 per session, free for carers");
            batch.add(Kind.COST_OPTION, cost, "demo");

            for (String term : svc.terms()) {
                ObjectNode attribute = record("attr:" + n + ":" + term);
                attribute.put("link_id", Catalog.id(service));
                attribute.put("link_type", "service");
                attribute.put("link_entity", "service");
                attribute.put("taxonomy_term_id", uuid("term:" + term).toString());
                attribute.put("value", TERMS.get(term));
                batch.add(Kind.ATTRIBUTE, attribute, "demo");
            }
        }
        return batch;
    }

    private static String describe(Svc svc) {
        String days = svc.byday().replace("1MO", "first Monday of the month").replace("MO", "Mon").replace("TU", "Tue")
                .replace("WE", "Wed").replace("TH", "Thu").replace("FR", "Fri").replace("SA", "Sat").replace("SU", "Sun")
                .replace(",", ", ");
        return days + ", " + svc.opens() + " to " + svc.closes();
    }

    private static ObjectNode record(String key) {
        ObjectNode record = NODES.objectNode();
        record.put("id", uuid(key).toString());
        return record;
    }
}
