//! The year-end appraisal (综合测评): the survey part (70 points), the inspection part (30
//! points), totals, ranking with its tie rule, commendations and criticisms. Being built.
