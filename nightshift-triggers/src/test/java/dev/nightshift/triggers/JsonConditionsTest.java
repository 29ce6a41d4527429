package dev.nightshift.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.automation.AutomationTrigger.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonConditionsTest {
    static final String ALERT = """
            {"id":"evt-42","level":"error","count":12,"ratio":0.5,"ok":false,"nothing":null,
             "message":"disk full on db-1","tags":["prod","db"],"codes":[500,503],
             "issue":{"title":"Crash","project":{"slug":"api"}},
             "events":[{"level":"error"},{"level":"info"}]}""";

    static boolean matches(String path, String op, String value) {
        return JsonConditions.evaluate(List.of(JsonConditions.condition(path, op, value)), ALERT)
                .matched();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // path | op | value | matched
                "$.level|eq|\"error\"|true",
                "$.level|eq|\"warning\"|false",
                "$.level|neq|\"warning\"|true",
                "$.level|neq|\"error\"|false",
                "$.count|eq|12|true",
                "$.count|eq|12.0|true",
                "$.count|eq|\"12\"|false",
                "$.ratio|eq|0.50|true",
                "$.ok|eq|false|true",
                "$.ok|eq|true|false",
                "$.issue.project.slug|eq|\"api\"|true",
                "$.issue.project|eq|{\"slug\":\"api\"}|true",
                "$.count|gt|9|true",
                "$.count|gt|12|false",
                "$.count|gte|12|true",
                "$.count|gte|12.5|false",
                "$.count|lt|100|true",
                "$.count|lt|12|false",
                "$.count|lte|12|true",
                "$.count|lte|11.99|false",
                "$.count|gt|\"1\"|false",
                "$.count|lt|\"1\"|false",
                "$.level|gt|\"alert\"|true",
                "$.level|lt|\"alert\"|false",
                "$.level|lte|\"error\"|true",
                "$.level|gte|\"f\"|false",
                "$.message|contains|\"full\"|true",
                "$.message|contains|\"empty\"|false",
                "$.tags|contains|\"prod\"|true",
                "$.tags|contains|\"dev\"|false",
                "$.codes|contains|503|true",
                "$.codes|contains|503.0|true",
                "$.codes|contains|404|false",
                "$.count|contains|1|false",
                "$.level|exists|true|true",
                "$.level|exists|false|false",
                "$.missing|exists|false|true",
                "$.missing|exists|true|false",
                "$.nothing|exists|false|true",
                "$.missing|eq|\"x\"|false",
                "$.missing|neq|\"x\"|false",
                "$.missing|lt|5|false",
                "$.missing|contains|\"x\"|false",
                "$.events[?(@.level == 'error')]|exists|true|true",
                "$.events[?(@.level == 'fatal')]|exists|true|false",
                "$.events[*].level|contains|\"info\"|true",
                "$.tags[0]|eq|\"prod\"|true",
                "$['issue']['title']|eq|\"Crash\"|true",
            })
    void eachOpComparesAsDocumented(String path, String op, String value, boolean matched) {
        assertThat(matches(path, op, value)).isEqualTo(matched);
    }

    @Test
    void allConditionsMustMatchAndTheFirstFailingOneIsDescribed() {
        List<Condition> conditions = List.of(
                JsonConditions.condition("$.count", "gte", "10"),
                JsonConditions.condition("$.level", "eq", "\"warning\""),
                JsonConditions.condition("$.missing", "exists", "true"));
        JsonConditions.Outcome outcome = JsonConditions.evaluate(conditions, ALERT);
        assertThat(outcome.matched()).isFalse();
        assertThat(outcome.reason()).isEqualTo("$.level is \"error\", not eq \"warning\"");

        assertThat(JsonConditions.evaluate(List.of(JsonConditions.condition("$.missing", "eq", "1")), ALERT)
                        .reason())
                .isEqualTo("$.missing is missing, not eq 1");
        assertThat(JsonConditions.evaluate(
                                List.of(
                                        JsonConditions.condition("$.level", "eq", "\"error\""),
                                        JsonConditions.condition("$.count", "lt", "20")),
                                ALERT)
                        .matched())
                .isTrue();
    }

    @Test
    void noConditionsMatchAnyJson() {
        assertThat(JsonConditions.evaluate(List.of(), "{}").matched()).isTrue();
        assertThat(JsonConditions.evaluate(List.of(), "[1]").matched()).isTrue();
    }

    @Test
    void aBodyThatIsNotJsonIsRefused() {
        assertThatThrownBy(() -> JsonConditions.evaluate(List.of(), "{\"level\":"))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> JsonConditions.idempotencyKey("$.id", "not json"))
                .isInstanceOf(InvalidAutomation.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "$.level[?(@.x|eq|\"x\"|\"$.level[?(@.x\" is not a valid JSONPath",
                "level..|eq|\"x\"|is not a valid JSONPath",
                "$.level|is|\"x\"|op 'is' is not one of eq, neq, gt, gte, lt, lte, contains, exists",
                "$.level|eq|error|the value error is not JSON",
                "$.count|gt|[1]|gt compares with a number or a string",
                "$.level|exists|\"yes\"|exists takes the value true or false",
                "' '|eq|1|needs a JSONPath",
            })
    void aBadConditionIsRefusedNamingTheProblem(String path, String op, String value, String problem) {
        assertThatThrownBy(() -> JsonConditions.condition(path.equals("' '") ? " " : path, op, value))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageContaining(problem);
    }

    @Test
    void validateChecksStoredConditionsToo() {
        assertThatThrownBy(() -> JsonConditions.validate(List.of(new Condition("$.a", null, "1"))))
                .hasMessageContaining("needs an op");
        assertThatThrownBy(() -> JsonConditions.validate(
                        List.of(new Condition("$.a", Condition.Op.EQ, "\"" + "x".repeat(2000) + "\""))))
                .hasMessageContaining("at most 1000 characters");
        JsonConditions.validate(List.of(new Condition("$.a", Condition.Op.EXISTS, null)));
    }

    @Test
    void theIdempotencyKeyIsReadFromAPath() {
        assertThat(JsonConditions.idempotencyKey("$.id", ALERT)).contains("evt-42");
        assertThat(JsonConditions.idempotencyKey("$.count", ALERT)).contains("12");
        assertThat(JsonConditions.idempotencyKey("$.issue.project.slug", ALERT)).contains("api");
        assertThat(JsonConditions.idempotencyKey("$.missing", ALERT)).isEmpty();
        assertThat(JsonConditions.idempotencyKey("$.nothing", ALERT)).isEmpty();
        assertThat(JsonConditions.idempotencyKey("$.issue", ALERT)).isEmpty();
        assertThat(JsonConditions.idempotencyKey("", ALERT)).isEmpty();
        assertThat(JsonConditions.idempotencyKey(null, ALERT)).isEmpty();
        assertThatThrownBy(() -> JsonConditions.idempotencyKey("$.id[?(", ALERT))
                .isInstanceOf(InvalidAutomation.class);
    }
}
