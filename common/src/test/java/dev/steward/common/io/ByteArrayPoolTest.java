package dev.steward.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteArrayPoolTest {

    @Test
    void aReturnedArrayIsHandedOutAgain() {
        ByteArrayPool pool = new ByteArrayPool(16, 2);
        byte[] first = pool.take();
        assertThat(first).hasSize(16);
        pool.give(first);
        assertThat(pool.kept()).isEqualTo(1);
        assertThat(pool.take()).isSameAs(first);
        assertThat(pool.kept()).isZero();
    }

    @Test
    void anEmptyPoolAllocates() {
        ByteArrayPool pool = new ByteArrayPool(16, 2);
        assertThat(pool.take()).isNotSameAs(pool.take()).hasSize(16);
    }

    @Test
    void keepsAtMostMaxPooledArrays() {
        ByteArrayPool pool = new ByteArrayPool(8, 2);
        byte[] a = pool.take();
        byte[] b = pool.take();
        byte[] c = pool.take();
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertThat(pool.kept()).isEqualTo(2);
        assertThat(new Object[] {pool.take(), pool.take()}).containsExactlyInAnyOrder(a, b);
        assertThat(pool.take()).isNotSameAs(c);
    }

    @Test
    void ignoresArraysOfAnotherLengthAndNull() {
        ByteArrayPool pool = new ByteArrayPool(8, 2);
        pool.give(new byte[9]);
        pool.give(null);
        assertThat(pool.kept()).isZero();
    }

    @Test
    void aPoolOfNoneAlwaysAllocates() {
        ByteArrayPool pool = new ByteArrayPool(8, 0);
        byte[] a = pool.take();
        pool.give(a);
        assertThat(pool.kept()).isZero();
        assertThat(pool.take()).isNotSameAs(a);
    }

    @Test
    void refusesNonsenseSizes() {
        assertThatThrownBy(() -> new ByteArrayPool(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteArrayPool(8, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
