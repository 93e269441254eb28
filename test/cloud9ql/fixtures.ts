/** TikTok-shaped sample payloads (docs' shapes: docs/tiktok.md §6) and a fixed clock for the tests. */
export const NOW = Date.UTC(2024, 4, 15, 10, 30, 0); // Wednesday 2024-05-15 10:30:00 UTC
export const now = () => NOW;

export const userInfo = {
  data: {
    user: {
      open_id: '723f24d7-e717-40f8-a2b6-cb8464cd23b4',
      display_name: 'Jane',
      follower_count: 1520,
      likes_count: 48211,
      video_count: 37,
    },
  },
  error: { code: 'ok', message: '', log_id: '20240101123456ABCDEF' },
};

export const videoList = {
  data: {
    videos: [
      { id: '7301234567890123456', create_time: 1704067200, title: 'New year', view_count: 10234, like_count: 811, comment_count: 40, share_count: 12 },
      { id: '7298765432109876543', create_time: 1703462400, title: 'Recap', view_count: 5120, like_count: 402, comment_count: 10, share_count: 3 },
      { id: '7290000000000000001', create_time: 1703376000, title: 'Cooking pasta', view_count: 880, like_count: 95, comment_count: null, share_count: 0 },
      { id: '7280000000000000002', create_time: 1701388800, title: 'Travel vlog', view_count: 2500, like_count: 300, comment_count: 25, share_count: 9 },
      { id: '7270000000000000003', create_time: 1698796800, title: 'Dance', view_count: 0, like_count: 0, comment_count: 0, share_count: 0 },
    ],
    cursor: 1698796800000,
    has_more: true,
  },
};

/** Knowi's documentation sample rows (campaign messages). */
export const campaigns = [
  { Customer: 'Facebook', Campaign: 'Summer', Message_Type: 'Transactional', Sent: 250000, Opened: 120000, Date: '2024-01-01' },
  { Customer: 'Facebook', Campaign: 'Winter', Message_Type: 'Promotional', Sent: 150000, Opened: 80000, Date: '2024-01-08' },
  { Customer: 'Google', Campaign: 'Summer', Message_Type: 'Transactional', Sent: 300000, Opened: 90000, Date: '2024-01-01' },
  { Customer: 'Google', Campaign: 'Artists', Message_Type: 'Promotional', Sent: 50000, Opened: 10000, Date: '2024-01-15' },
  { Customer: 'Apple', Campaign: 'Artists', Message_Type: 'Transactional', Sent: 210000, Opened: 150000, Date: '2024-01-08' },
];
