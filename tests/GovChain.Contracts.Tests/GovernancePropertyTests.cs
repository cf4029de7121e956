using FsCheck;
using FsCheck.Fluent;
using GovChain.Contracts.Tests.Support;
using GovChain.Protocol.SystemContract;

namespace GovChain.Contracts.Tests;

public sealed class GovernancePropertyTests
{
    /// <summary>(signer, department) pairs: signer 0..n-1 is that department's admin, n is an outsider.</summary>
    private static Arbitrary<(int Departments, (int Signer, int Department)[] Approvals)> Cases =>
        (from n in Gen.Choose(1, 7)
         from approvals in Gen.ArrayOf(Gen.Choose(0, n).SelectMany(s => Gen.Frequency((2, Gen.Constant(s % n)), (1, Gen.Choose(0, n - 1))).Select(d => (s, d))))
         select (n, approvals)).ToArbitrary();

    [Fact]
    public void RoleGrant_ExecutesExactlyWhenAdminsOfMoreThanTwoThirdsOfDepartmentsApproved()
    {
        Prop.ForAll(Cases, c =>
        {
            using var chain = new TestChain(departments: c.Departments);
            var outsider = chain.Key(990);
            var holder = chain.Key(991);
            var action = SystemCalls.GrantRole(Roles.Auditor, holder.PublicKey, TestChain.DepartmentId(0));
            var proposal = ProposalOutcome.Parser.ParseFrom(chain.Ok(chain.Admins[0], SystemCalls.Propose(TestChain.DepartmentId(0), action)).Result);
            var approved = new SortedSet<int> { 0 };
            // Independent oracle: the smallest count strictly above two thirds.
            var required = Enumerable.Range(1, c.Departments).First(k => 3 * k > 2 * c.Departments);
            foreach (var (signer, department) in c.Approvals)
            {
                var key = signer < c.Departments ? chain.Admins[signer] : outsider;
                var receipt = chain.Run(key, SystemCalls.Approve(proposal.ProposalId, TestChain.DepartmentId(department)));
                var legitimate = signer == department && !approved.Contains(department) && approved.Count < required;
                if (legitimate != (receipt.Code == 0))
                {
                    return false;
                }

                if (legitimate)
                {
                    approved.Add(department);
                }

                var granted = chain.Query(SystemCalls.HasRole(Roles.Auditor, holder.PublicKey), RoleCheck.Parser).Granted;
                if (granted != (approved.Count >= required))
                {
                    return false;
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithEndSize(20));
    }
}
