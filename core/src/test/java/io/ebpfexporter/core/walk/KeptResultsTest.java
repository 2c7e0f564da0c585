package io.ebpfexporter.core.walk;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kept result is given back only for the same id read from the same bytes, in walk order or not; a walk
 * that matches the last one keeps the last one itself; a listing the same as the last walk's gives its
 * results only when that walk kept a result for every object; records are kept as copies; a walk keeps no
 * more than its budget.
 */
class KeptResultsTest {
    private static ByteBuffer record(int... bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length + 8).position(4); // a slice of a larger listing
        for (int v : bytes) {
            b.put((byte) v);
        }
        return b.flip().position(4).slice();
    }

    @Test
    void theSameBytesGiveTheLastResultAndAnyChangeNone() {
        KeptResults.Walk first = new KeptResults.Walk(KeptResults.NONE);
        assertNull(first.unchanged(3, record(3, 0)), "nothing kept before the first walk");
        Object three = new Object();
        Object seven = new Object();
        Object nine = new Object();
        first.add(3, record(3, 0), three);
        first.add(7, record(7, 1), seven);
        first.add(9, record(9, 2), nine);

        KeptResults.Walk second = new KeptResults.Walk(first.done());
        assertSame(three, second.unchanged(3, record(3, 0)));
        assertNull(second.unchanged(5, record(5, 0)), "a new id");
        assertNull(second.unchanged(7, record(7, 2)), "one byte changed");
        assertSame(nine, second.unchanged(9, record(9, 2)));
        assertSame(three, second.unchanged(3, record(3, 0)), "out of order, found by search");
        assertNull(second.unchanged(9, record(9, 2, 0)), "a record of another length");
    }

    @Test
    void aWalkListedAsTheLastWasHasItsResultsWithoutLookingAtRecords() {
        Object listing = new Object();
        Object hidden = new Object();
        KeptResults.Walk first = new KeptResults.Walk(KeptResults.NONE);
        assertFalse(first.sameListing(new KeptResults.Listed(listing, hidden)), "nothing listed before");
        first.unchanged(3, record(3, 0));
        first.listed(1);
        first.add(3, record(3, 0), "three");
        KeptResults last = first.done();
        assertTrue(new KeptResults.Walk(last).sameListing(new KeptResults.Listed(listing, hidden)));
        assertFalse(new KeptResults.Walk(last).sameListing(new KeptResults.Listed(new Object(), hidden)), "another listing");
        assertFalse(new KeptResults.Walk(last).sameListing(new KeptResults.Listed(listing, new Object())), "others hidden");
        assertFalse(new KeptResults.Walk(last).sameListing(new KeptResults.Listed(null, hidden)), "a source without listings");

        KeptResults.Walk same = new KeptResults.Walk(last);
        assertTrue(same.sameListing(new KeptResults.Listed(listing, hidden)));
        assertArrayEquals(new Object[] {"three"}, same.repeat(), "the last walk's results, unread");
        assertSame(last, same.done(), "a repeated walk keeps the last");

        KeptResults.Walk vanished = new KeptResults.Walk(KeptResults.NONE);
        vanished.sameListing(new KeptResults.Listed(listing, hidden));
        vanished.listed(2);
        vanished.add(3, record(3, 0), "three");
        assertFalse(new KeptResults.Walk(vanished.done()).sameListing(new KeptResults.Listed(listing, hidden)),
                "a listed object without a result: the listing is not its results'");

        Object relisting = new Object();
        KeptResults.Walk relisted = new KeptResults.Walk(last);
        assertFalse(relisted.sameListing(new KeptResults.Listed(relisting, hidden)));
        relisted.listed(1);
        relisted.add(3, record(3, 0), relisted.unchanged(3, record(3, 0)));
        KeptResults again = relisted.done();
        KeptResults.Walk afterRelisting = new KeptResults.Walk(again);
        assertTrue(afterRelisting.sameListing(new KeptResults.Listed(relisting, hidden)),
                "unchanged objects under a new listing: the new listing is theirs");
        assertArrayEquals(new Object[] {"three"}, afterRelisting.repeat());
    }

    @Test
    void aWalkWithAResultNotKeptDoesNotKeepItsListing() {
        Object listing = new Object();
        KeptResults.Listed listed = new KeptResults.Listed(listing, null);
        KeptResults.Walk unrecorded = new KeptResults.Walk(KeptResults.NONE);
        unrecorded.sameListing(listed);
        unrecorded.listed(2);
        unrecorded.add(3, record(3, 0), "three");
        unrecorded.add(4, null, "four");
        assertFalse(new KeptResults.Walk(unrecorded.done()).sameListing(listed), "a result without a record");

        KeptResults.Walk small = new KeptResults.Walk(KeptResults.NONE, KeptResults.PER_RESULT + 4);
        small.sameListing(listed);
        small.listed(2);
        small.add(3, record(3, 0), "three");
        small.add(4, record(4, 0), "four");
        assertFalse(new KeptResults.Walk(small.done()).sameListing(listed), "a result past the budget");
    }

    @Test
    void aWalkThatKeepsNothingLeavesNothing() {
        KeptResults.Walk walk = new KeptResults.Walk(KeptResults.NONE);
        assertSame(KeptResults.NONE, walk.done());
        KeptResults.Walk many = new KeptResults.Walk(KeptResults.NONE);
        for (int id = 1; id <= 200; id++) {
            many.add(id, record(id), id);
        }
        KeptResults.Walk next = new KeptResults.Walk(many.done());
        for (int id = 1; id <= 200; id++) {
            assertEquals(id, next.unchanged(id, record(id)), "grown past its first arrays");
        }
    }

    @Test
    void aWalkLikeTheLastKeepsTheLastAndAShorterOneItsFirstEntries() {
        KeptResults.Walk first = new KeptResults.Walk(KeptResults.NONE);
        ByteBuffer changing = record(1, 1);
        first.add(1, changing, "one");
        first.add(2, record(2, 2), "two");
        KeptResults last = first.done();
        changing.put(0, (byte) 9); // the source reuses its buffer: the kept record is a copy

        KeptResults.Walk same = new KeptResults.Walk(last);
        Object one = same.unchanged(1, record(1, 1));
        Object two = same.unchanged(2, record(2, 2));
        same.add(1, record(1, 1), one);
        same.add(2, record(2, 2), two);
        assertSame(last, same.done(), "nothing changed: nothing new kept");

        KeptResults.Walk shorter = new KeptResults.Walk(last);
        shorter.add(1, record(1, 1), shorter.unchanged(1, record(1, 1)));
        KeptResults.Walk after = new KeptResults.Walk(shorter.done());
        assertSame("one", after.unchanged(1, record(1, 1)));
        assertNull(after.unchanged(2, record(2, 2)), "the object at the end is gone");
    }

    @Test
    void resultsPastTheBudgetAreNotKept() {
        long room = 2L * (2 + KeptResults.PER_RESULT); // two results of 2-byte records
        KeptResults.Walk first = new KeptResults.Walk(KeptResults.NONE, room);
        for (int id = 1; id <= 5; id++) {
            first.add(id, record(id, 0), "result " + id);
        }
        KeptResults.Walk second = new KeptResults.Walk(first.done(), room);
        assertEquals("result 1", second.unchanged(1, record(1, 0)));
        assertEquals("result 2", second.unchanged(2, record(2, 0)));
        assertNull(second.unchanged(3, record(3, 0)), "past the budget: read again every scrape");
    }
}
