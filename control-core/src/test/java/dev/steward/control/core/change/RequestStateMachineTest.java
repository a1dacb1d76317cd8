package dev.steward.control.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Actor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestStateMachineTest {

    private final RequestStateMachine machine = new RequestStateMachine();

    // state, action, actor, expected (target state or refusal code)
    @ParameterizedTest(name = "{0} {1} by {2} -> {3}")
    @CsvSource({
            "REQUESTED, APPROVE,  OPERATOR, APPROVED",
            "REQUESTED, REFUSE,   OPERATOR, REFUSED",
            "APPROVED,  SCHEDULE, OPERATOR, SCHEDULED",
            "APPROVED,  SCHEDULE, SYSTEM,   SCHEDULED",
            "SCHEDULED, COMPLETE, OPERATOR, DONE",
            "SCHEDULED, COMPLETE, AGENT,    DONE",
            "REQUESTED, APPROVE,  CUSTOMER, actor_not_allowed",
            "REQUESTED, APPROVE,  AGENT,    actor_not_allowed",
            "REQUESTED, APPROVE,  SYSTEM,   actor_not_allowed",
            "REQUESTED, REFUSE,   CUSTOMER, actor_not_allowed",
            "APPROVED,  SCHEDULE, CUSTOMER, actor_not_allowed",
            "APPROVED,  SCHEDULE, AGENT,    actor_not_allowed",
            "SCHEDULED, COMPLETE, CUSTOMER, actor_not_allowed",
            "SCHEDULED, COMPLETE, SYSTEM,   actor_not_allowed",
    })
    void check_table(RequestState state, RequestAction action, Actor.Kind actor, String expected) {
        Decision decision = machine.check(state, action, actor);
        String outcome = decision instanceof Decision.Refused refused ? refused.code() : action.to().name();
        assertThat(outcome).isEqualTo(expected);
    }

    static Stream<Arguments> wrongStates() {
        List<Arguments> cases = new ArrayList<>();
        for (RequestState state : RequestState.values()) {
            for (RequestAction action : RequestAction.values()) {
                if (state != action.from()) {
                    cases.add(Arguments.of(state, action));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} -> wrong_state")
    @MethodSource("wrongStates")
    void check_everyOtherStateActionPair_refusedWithWords(RequestState state, RequestAction action) {
        Decision decision = machine.check(state, action, Actor.Kind.OPERATOR);
        assertThat(decision).isInstanceOfSatisfying(Decision.Refused.class, refused -> {
            assertThat(refused.code()).isEqualTo("wrong_state");
            assertThat(refused.reason().en()).startsWith("A request that is ").contains("cannot be");
            assertThat(refused.reason().nl()).startsWith("Een aanvraag in toestand ");
        });
        assertThatThrownBy(() -> machine.require(state, action, Actor.Kind.OPERATOR))
                .isInstanceOf(InvalidTransitionException.class)
                .hasMessage(((Decision.Refused) decision).reason().en());
    }

    @ParameterizedTest
    @EnumSource(value = RequestState.class, names = {"REFUSED", "DONE"})
    void finalStates_allowNoAction(RequestState state) {
        for (RequestAction action : RequestAction.values()) {
            for (Actor.Kind actor : Actor.Kind.values()) {
                assertThat(machine.check(state, action, actor).allowed()).isFalse();
            }
        }
        assertThat(state.isOpen()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"CUSTOMER, true", "OPERATOR, true", "AGENT, false", "SYSTEM, false"})
    void mayRequest_table(Actor.Kind actor, boolean allowed) {
        assertThat(machine.mayRequest(actor).allowed()).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"REQUESTED, true", "APPROVED, true", "SCHEDULED, true", "REFUSED, false", "DONE, false"})
    void isOpen_table(RequestState state, boolean open) {
        assertThat(state.isOpen()).isEqualTo(open);
    }

    @ParameterizedTest
    @EnumSource(RequestAction.class)
    void require_allowed_returnsTarget(RequestAction action) {
        Actor.Kind actor = machine.allowedActors(action).iterator().next();
        assertThat(machine.require(action.from(), action, actor)).isEqualTo(action.to());
    }
}
