using Router.Journal;

namespace Router.Queues;

public sealed class FollowerSetTests
{
    private sealed class Follower(string name)
    {
        public override string ToString() => name;

        // Equal by value on purpose: the set must still tell two followers apart by reference.
        public override bool Equals(object? obj) => obj is Follower other && other.ToString() == name;

        public override int GetHashCode() => name.GetHashCode(StringComparison.Ordinal);
    }

    [Fact]
    public void Add_SameFollowerTwice_HoldsItOnce()
    {
        var set = new FollowerSet<Follower>();
        var a = new Follower("a");

        Assert.True(set.Add(a));
        Assert.False(set.Add(a));

        Assert.Equal([a], set.AsSpan().ToArray());
    }

    [Fact]
    public void Remove_AnyFollower_KeepsEveryOtherOnceAndForgetsIt()
    {
        var set = new FollowerSet<Follower>();
        var followers = Enumerable.Range(0, 5).Select(i => new Follower($"f{i}")).ToArray();
        foreach (var follower in followers)
        {
            set.Add(follower);
        }

        Assert.True(set.Remove(followers[1])); // from the middle: the last moves into its slot
        Assert.True(set.Remove(followers[4])); // the last
        Assert.True(set.Remove(followers[0])); // the first
        Assert.False(set.Remove(followers[0]));

        Assert.Equal(2, set.Count);
        Assert.True(new HashSet<Follower>([followers[2], followers[3]], ReferenceEqualityComparer.Instance).SetEquals(set.AsSpan().ToArray()));
        Assert.True(set.Remove(followers[3]));
        Assert.True(set.Remove(followers[2]));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void AddRemove_TwoFollowersEqualByValue_AreKeptApartByReference()
    {
        var set = new FollowerSet<Follower>();
        var first = new Follower("same");
        var second = new Follower("same");

        Assert.True(set.Add(first));
        Assert.True(set.Add(second));
        Assert.True(set.Remove(first));

        Assert.Same(second, Assert.Single(set.AsSpan().ToArray()));
    }

    [Fact]
    public void AddRemoveMark_ManyInTurns_MatchAModelOfFollowersAndTheirMarks()
    {
        var set = new FollowerSet<Follower>();
        var model = new Dictionary<Follower, Position>(ReferenceEqualityComparer.Instance);
        var pool = Enumerable.Range(0, 50).Select(i => new Follower($"f{i}")).ToArray();
        var random = new Random(8);

        for (var step = 0; step < 3_000; step++)
        {
            var follower = pool[random.Next(pool.Length)];
            switch (random.Next(3))
            {
                case 0:
                    Assert.Equal(model.TryAdd(follower, new Position(step)), set.Add(follower, new Position(step)));
                    break;
                case 1:
                    Assert.Equal(model.Remove(follower), set.Remove(follower));
                    break;
                case 2 when set.Count > 0:
                    // The queue moves a follower's mark in place, by slot; a later removal must carry it along.
                    var slot = random.Next(set.Count);
                    set.OfferedUpTo[slot] = new Position(step);
                    model[set.AsSpan()[slot]] = new Position(step);
                    break;
            }
        }

        Assert.Equal(model.Count, set.Count);
        for (var slot = 0; slot < set.Count; slot++)
        {
            Assert.Equal(model[set.AsSpan()[slot]], set.OfferedUpTo[slot]);
        }
    }

    [Fact]
    public void Clear_WithFollowers_EmptiesAndForgetsThem()
    {
        var set = new FollowerSet<Follower>();
        var a = new Follower("a");
        set.Add(a);

        set.Clear();

        Assert.Equal(0, set.Count);
        Assert.True(set.Add(a));
    }
}
