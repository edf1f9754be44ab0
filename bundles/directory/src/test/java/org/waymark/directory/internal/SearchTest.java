package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

/** Search for people over the demo directory: relevance, filters, distance. */
class SearchTest {
    private static Directory directory;

    @BeforeAll
    static void demoDirectory() throws Exception {
        directory = TestDirectory.withDemoData();
    }

    private static List<String> names(String... params) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        ServiceQuery query = ServiceQuery.parse(map);
        Catalog catalog = directory.catalog();
        return catalog.index().search(query, directory.origin(query)).stream()
                .map(h -> catalog.get(Kind.SERVICE, catalog.index().entry(h.service()).id()).orElseThrow().path("name").asText())
                .toList();
    }

    @Test
    void wordsInTheNameRankAboveWordsInTheDescription() {
        List<String> walks = names("search", "walk");

        assertThat(walks).hasSizeGreaterThanOrEqualTo(4);
        assertThat(walks.subList(0, 4)).allMatch(n -> n.toLowerCase().contains("walk"));
        assertThat(walks).contains("Photography Walks");
    }

    @Test
    void aRareWordThatOnlyStartsWithTheQueryRanksBelowTheWholeWord() {
        // Found probing: "walking" put "Walkley Lunch Club" first, as "walkley" is rarer than "walk".
        for (String search : List.of("walking", "walk", "walks")) {
            List<String> found = names("search", search);

            assertThat(found).as(search).startsWith("Crookes Health Walk", "Finsbury Park Run and Walk",
                    "Gentle Walks in Endcliffe Park", "Highbury Fields Health Walk", "Photography Walks");
            assertThat(found.indexOf("Walkley Lunch Club")).as(search).isGreaterThan(4);
        }
    }

    @Test
    void theRarityOfTheIndexedWordNeverOverturnsAWholeWordMatch() {
        Catalog catalog = catalogOf("Walkley Lunch Club", "Crookes Health Walk", "Gentle Walks", "Park Walk",
                "Riverside Walks", "Knit and Natter", "Men's Shed", "Community Choir", "Allotment Group", "Coffee Morning");

        for (String search : List.of("walk", "walks", "walking")) {
            List<SearchIndex.Hit> hits = catalog.index().search(ServiceQuery.parse(Map.of("search", search)), null);

            assertThat(hits).as(search).extracting(h -> nameOf(catalog, h)).containsExactly("Crookes Health Walk",
                    "Gentle Walks", "Park Walk", "Riverside Walks", "Walkley Lunch Club");
            assertThat(hits.get(3).score()).as(search).isGreaterThan(hits.get(4).score());
        }
    }

    @Test
    void accentsAndFullWidthLettersAreFoldedOnBothSides() {
        // Found probing: "café" found nothing although "cafe" found the service.
        Catalog catalog = catalogOf("Zoë's Café Club", "Riverside cafe", "Knit and Natter", "Men's Shed", "Coffee Morning");

        for (String search : List.of("cafe", "café", "CAFÉ", "ｃａｆｅ", "cafés")) {
            assertThat(catalog.index().search(ServiceQuery.parse(Map.of("search", search)), null))
                    .as(search).extracting(h -> nameOf(catalog, h)).containsExactlyInAnyOrder("Zoë's Café Club", "Riverside cafe");
        }
        assertThat(catalog.index().search(ServiceQuery.parse(Map.of("search", "zoe")), null))
                .extracting(h -> nameOf(catalog, h)).containsExactly("Zoë's Café Club");
        assertThat(SearchIndex.words("Ｗａｌｋｓ naïve")).isEqualTo(SearchIndex.words("walks naive"));
    }

    @Test
    void aQueryWordFewServicesMatchCountsForMoreThanACommonOne() {
        Catalog catalog = catalogOf("Crookes Health Walk", "Gentle Walks", "Park Walk", "Riverside Walks",
                "Community Choir", "Knit and Natter");

        List<SearchIndex.Hit> hits = catalog.index().search(ServiceQuery.parse(Map.of("search", "walk choir")), null);

        assertThat(nameOf(catalog, hits.get(0))).isEqualTo("Community Choir");
        assertThat(hits).hasSize(5);
    }

    /** A catalog of services with only a name, so that each word's rarity is plain to see. */
    private static Catalog catalogOf(String... serviceNames) {
        Map<String, ObjectNode> services = new HashMap<>();
        for (int i = 0; i < serviceNames.length; i++) {
            ObjectNode service = JsonNodeFactory.instance.objectNode().put("id", "service-" + i).put("name", serviceNames[i]);
            services.put("service-" + i, service);
        }
        return new Catalog(Map.of(Kind.SERVICE, services));
    }

    private static String nameOf(Catalog catalog, SearchIndex.Hit hit) {
        return catalog.get(Kind.SERVICE, catalog.index().entry(hit.service()).id()).orElseThrow().path("name").asText();
    }

    @Test
    void taxonomyTermsAndOrganisationNamesAreSearched() {
        assertThat(names("search", "debt")).contains("Debt and Benefits Advice Sessions", "Money Advice Drop-in");
        assertThat(names("search", "gardening")).as("term 'Nature and gardening'").contains("Caledonian Park Nature Volunteers");
        assertThat(names("search", "holloway hub")).contains("Digital Buddies", "Holloway Lunch and Chat");
    }

    @Test
    void everyWordMustMatchWhenSomeServiceHasThemAll() {
        assertThat(names("search", "digital islington")).containsExactly("Photography Walks");
        assertThat(names("search", "digital holloway")).containsExactly("Digital Buddies");
        // No service has both words: those with most of them still come back rather than nothing.
        assertThat(names("search", "digital zebra")).contains("Digital Buddies", "Sharrow Digital Drop-in");
    }

    @Test
    void aPostcodeRanksNearbyMatchesFirst() {
        assertThat(names("search", "walk", "postcode", "S10 1AA").get(0)).isEqualTo("Crookes Health Walk");
        assertThat(names("search", "walk", "postcode", "N5 1AA").get(0)).isEqualTo("Highbury Fields Health Walk");
        assertThat(names("postcode", "N7 6PA").subList(0, 3)).allMatch(n -> List.of("Holloway Lunch and Chat", "Digital Buddies",
                "Young People's Wellbeing Group", "English Conversation Club").contains(n));
    }

    @Test
    void proximityKeepsOnlyServicesWithinThatManyMetres() {
        List<String> near = names("postcode", "N7", "proximity", "1500");

        assertThat(near).isNotEmpty().contains("Digital Buddies").doesNotContain("Crookes Health Walk", "Photography Walks");
    }

    @Test
    void ageDayAndTimeFiltersNarrowTheList() {
        assertThat(names("age", "70")).doesNotContain("Young People's Wellbeing Group").contains("Walkley Lunch Club");
        assertThat(names("age", "20")).doesNotContain("Walkley Lunch Club").contains("Young People's Wellbeing Group");
        assertThat(names("day", "SA")).containsExactlyInAnyOrder("Hillsborough Park Striders", "Wellbeing Allotment Group",
                "Caledonian Park Nature Volunteers", "Finsbury Park Run and Walk");
        assertThat(names("day", "sunday")).containsExactly("Photography Walks");
        assertThat(names("start_time", "17:00")).contains("Cook and Eat Together", "Clerkenwell Community Choir")
                .doesNotContain("Walkley Lunch Club");
        assertThat(names("end_time", "11:00")).contains("Gentle Walks in Endcliffe Park").doesNotContain("Walkley Lunch Club");
        assertThat(names("minimum_age", "60")).containsExactlyInAnyOrder("Walkley Lunch Club", "Chair-based Exercise for Over 60s",
                "Holloway Lunch and Chat");
        assertThat(names("maximum_age", "25")).containsExactlyInAnyOrder("Young Adults' Volunteering Taster",
                "Young People's Wellbeing Group");
        assertThat(names("cost", "free")).doesNotContain("Walkley Lunch Club").contains("Digital Buddies");
    }

    @Test
    void taxonomyFiltersUseTheServicesTerms() {
        String carers = DemoDirectory.uuid("term:carers").toString();
        assertThat(names("taxonomy_term_id", carers)).containsExactlyInAnyOrder("Carers' Coffee Morning", "Canonbury Carers' Group");
        assertThat(names("taxonomy_id", DemoDirectory.uuid("taxonomy").toString())).hasSize(DemoDirectory.SERVICES.size());
        assertThat(names("taxonomy_term_id", "00000000-0000-4000-8000-000000000000")).isEmpty();
    }

    @Test
    void filterValuesThatCannotMeanAnythingAreRefused() {
        for (String[] bad : new String[][] {{"page", "0"}, {"page", "x"}, {"per_page", "100000"}, {"minimum_age", "old"},
                {"maximum_age", "-1"}, {"day", "funday"}, {"start_time", "25:00"}, {"end_time", "noon"},
                {"proximity", "1000"}, {"postcode", "not a postcode"}, {"cost", "cheap"},
                // Found probing: a search with no word to look for listed every service.
                {"search", "the"}, {"search", "!!!"}, {"search", "\u2603"}, {"search", "\u0000"}}) {
            assertThatThrownBy(() -> names(bad)).as(String.join("=", bad)).isInstanceOf(WaymarkException.class)
                    .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.INVALID);
        }
        assertThatThrownBy(() -> names("postcode", "ZZ9 9ZZ")).hasMessageContaining("not known");
        assertThatThrownBy(() -> names("postcode", "N7", "proximity", "-5")).isInstanceOf(WaymarkException.class);
    }

    @Test
    void aPageFromTheBoundedSearchIsTheSamePageAsFromTheFullOrder() {
        Catalog catalog = directory.catalog();
        for (Map<String, String> params : List.of(Map.of("postcode", "S10", "page", "2", "per_page", "2"),
                Map.of("search", "group", "page", "3", "per_page", "3"), Map.of("page", "2", "per_page", "20"))) {
            ServiceQuery query = ServiceQuery.parse(params);
            var origin = directory.origin(query);
            List<SearchIndex.Hit> all = catalog.index().search(query, origin);
            int from = (query.page() - 1) * query.perPage();

            Directory.Page<SearchIndex.Hit> page = Directory.searchPage(catalog, query, origin);

            assertThat(page.total()).as(params.toString()).isEqualTo(all.size());
            assertThat(page.contents()).as(params.toString()).isEqualTo(all.subList(from, Math.min(all.size(), from + query.perPage())));
        }
    }

    @Test
    void wordsAreFoldedSoPluralsAndVerbFormsMeet() {
        assertThat(SearchIndex.words("The Walking Groups, for Carers!")).containsExactly("walk", "group", "carer");
        assertThat(SearchIndex.stem("bus")).isEqualTo("bus");
    }

    @Test
    void pluralsInEsDoubledConsonantsBeforeIngAndASilentEMeetTheirOtherForms() {
        // Found probing: "lunches", "running" and "jogging" found nothing, though "lunch", "run" and "jog" are listed.
        for (List<String> forms : List.of(List.of("lunch", "lunches"), List.of("class", "classes"), List.of("box", "boxes"),
                List.of("run", "running"), List.of("jog", "jogging"), List.of("swim", "swimming"), List.of("knit", "knitting"),
                List.of("fall", "falling"), List.of("dress", "dressing", "dresses"), List.of("dance", "dancing", "dances"),
                List.of("house", "housing", "houses"), List.of("headache", "headaches"), List.of("walk", "walking", "walks"))) {
            assertThat(forms.stream().map(SearchIndex::stem).distinct()).as(forms.toString()).hasSize(1);
        }
        assertThat(SearchIndex.stem("care")).as("a short word keeps its e").isNotEqualTo(SearchIndex.stem("car"));
        assertThat(SearchIndex.stem("free")).isEqualTo("free");
    }

    @Test
    void aPluralInEsOrAVerbWithADoubledConsonantFindsTheService() {
        assertThat(names("search", "lunches")).contains("Holloway Lunch and Chat", "Walkley Lunch Club");
        assertThat(names("search", "running")).first().isEqualTo("Finsbury Park Run and Walk");
        assertThat(names("search", "jogging")).containsExactly("Finsbury Park Run and Walk");
    }
}
