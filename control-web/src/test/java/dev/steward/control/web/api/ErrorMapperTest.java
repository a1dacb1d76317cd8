package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/** Which failures are "the database is away" (503) rather than a bug (500): found by the control plane's chaos test. */
class ErrorMapperTest {

    @Test
    void connectionLostOrServerShuttingDown_isTheDatabaseAway() {
        // What a PostgreSQL restart gives a statement in flight: 08006 (I/O error), 57P01 (terminated by
        // the administrator, -m fast), 57P02 (crash shutdown, -m immediate), 57P03 (still starting).
        for (String state : new String[] {"08006", "08001", "57P01", "57P02", "57P03"}) {
            assertThat(ErrorMapper.databaseAway(new UnableToExecuteStatementException(
                    new SQLException("server gone", state), null))).as(state).isTrue();
        }
        // The pool found no connection within its timeout.
        assertThat(ErrorMapper.databaseAway(new ConnectionException(
                new SQLTransientConnectionException("steward-pg - Connection is not available")))).isTrue();
    }

    @Test
    void otherSqlFailuresAndBugs_areNot() {
        assertThat(ErrorMapper.databaseAway(new UnableToExecuteStatementException(
                new SQLException("duplicate key", "23505"), null))).isFalse();
        assertThat(ErrorMapper.databaseAway(new UnableToExecuteStatementException(new SQLException("no state"), null)))
                .isFalse();
        assertThat(ErrorMapper.databaseAway(new IllegalStateException("a bug"))).isFalse();
    }
}
